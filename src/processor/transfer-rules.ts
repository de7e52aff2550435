import { ValidationProblem } from '../common/errors';
import { AdequacyScope } from '../country/country.entity';
import { TransferMechanism } from './transfer-mechanism';

/** What the transfer rules need to know about a country; a `Country` entity satisfies it. */
export interface CountryStanding {
  code: string;
  /** Only used to make messages readable, such as "IN (India)". */
  name?: string | null;
  inEEA: boolean;
  adequacy: AdequacyScope;
  adequacyNote?: string | null;
}

export interface LocationInput {
  country: CountryStanding;
  mechanism?: TransferMechanism | null;
  reference?: string | null;
}

export interface ValidatedLocation {
  mechanism: TransferMechanism | null;
  reference: string | null;
  problems: ValidationProblem[];
}

export interface TransferStatus {
  thirdCountry: boolean;
  safeguarded: boolean;
  problem: string | null;
}

/** Art. 46(2) appropriate safeguards that this registry records. */
export const ART_46_SAFEGUARDS: readonly TransferMechanism[] = [
  TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES,
  TransferMechanism.BINDING_CORPORATE_RULES,
  TransferMechanism.CODE_OF_CONDUCT,
  TransferMechanism.CERTIFICATION,
];

/** Art. 49(1) derogations that this registry records. */
export const ART_49_DEROGATIONS: readonly TransferMechanism[] = [
  TransferMechanism.DEROGATION_EXPLICIT_CONSENT,
  TransferMechanism.DEROGATION_CONTRACT,
];

/**
 * The US adequacy decision (EU) 2023/1795 covers only organisations certified under the EU-US Data Privacy
 * Framework, so an adequacy claim for a US recipient is only as good as its DPF certification.
 */
const DPF_COUNTRY = 'US';
const DPF_PATTERN = /data[\s-]*privacy[\s-]*framework|\bDPF\b/i;

export function isDpfReference(reference: string | null | undefined): boolean {
  return reference != null && DPF_PATTERN.test(reference);
}

/** Which input field a rule objects to, and why; the path prefix is added by the caller. */
interface TransferFlaw {
  field: 'mechanism' | 'reference';
  value: TransferMechanism | string | null;
  message: string;
}

interface TransferAssessment {
  /** The mechanism the transfer actually rests on, after defaults. */
  mechanism: TransferMechanism | null;
  flaw: TransferFlaw | null;
}

/**
 * The single implementation of the Chapter V rules; `validateLocation` and `transferStatus` are two views of it.
 * `reference` must already be normalised (trimmed, blank as null).
 */
function assessTransfer(
  country: CountryStanding,
  mechanism: TransferMechanism | null,
  reference: string | null,
): TransferAssessment {
  // Inside the EEA the GDPR applies directly and nothing is transferred in the Chapter V sense, so no mechanism
  // applies. A mechanism given anyway is not an error, but it is not recorded either.
  if (country.inEEA) return { mechanism: null, flaw: null };

  switch (country.adequacy) {
    case AdequacyScope.FULL:
      // Art. 45(1): the adequacy decision alone makes the transfer lawful. An exporter may still choose to rely on
      // another instrument (e.g. SCCs as a fallback should the decision be annulled), so that choice is kept.
      return { mechanism: mechanism ?? TransferMechanism.ADEQUACY_DECISION, flaw: null };
    case AdequacyScope.PARTIAL:
      return { mechanism, flaw: partialAdequacyFlaw(country, mechanism, reference) };
    case AdequacyScope.NONE:
      return { mechanism, flaw: noAdequacyFlaw(country, mechanism) };
    default:
      return assertNever(country.adequacy);
  }
}

/**
 * A partial decision (US: DPF-certified organisations; CA: commercial organisations) covers only some recipients,
 * so adequacy cannot be presumed: the exporter must say what it relies on, and an adequacy claim must say why the
 * recipient falls inside the decision.
 */
function partialAdequacyFlaw(
  country: CountryStanding,
  mechanism: TransferMechanism | null,
  reference: string | null,
): TransferFlaw | null {
  const scope = country.adequacyNote ? ` (${country.adequacyNote})` : '';
  if (mechanism == null) {
    return {
      field: 'mechanism',
      value: null,
      message:
        `a mechanism is required for ${countryLabel(country)}, whose adequacy decision is only partial${scope}; ` +
        `use ADEQUACY_DECISION with a reference showing the recipient is covered, ` +
        `an Art. 46 safeguard (${ART_46_SAFEGUARDS.join(', ')}) or an Art. 49 derogation`,
    };
  }
  if (mechanism !== TransferMechanism.ADEQUACY_DECISION) return null;

  if (country.code === DPF_COUNTRY && !isDpfReference(reference)) {
    const fault = reference == null ? 'a reference is required' : `"${reference}" does not name the DPF`;
    return {
      field: 'reference',
      value: reference,
      message:
        `${fault}: ADEQUACY_DECISION for ${countryLabel(country)} covers only organisations certified under the ` +
        `EU-US Data Privacy Framework (DPF), so the reference must name the recipient's ` +
        `EU-US Data Privacy Framework certification`,
    };
  }
  if (reference == null) {
    return {
      field: 'reference',
      value: null,
      message:
        `a reference is required: ADEQUACY_DECISION for ${countryLabel(country)} ` +
        `covers only some recipients${scope}, ` +
        `so the reference must name the decision and why the recipient falls under it`,
    };
  }
  return null;
}

/** Without an adequacy decision, Art. 44 forbids the transfer unless Art. 46 or Art. 49 makes it lawful. */
function noAdequacyFlaw(country: CountryStanding, mechanism: TransferMechanism | null): TransferFlaw | null {
  if (mechanism == null) {
    return {
      field: 'mechanism',
      value: null,
      message:
        `a mechanism is required for ${countryLabel(country)}, which has no adequacy decision; ` +
        `use an Art. 46 safeguard (${ART_46_SAFEGUARDS.join(', ')}) ` +
        `or an Art. 49 derogation (${ART_49_DEROGATIONS.join(', ')})`,
    };
  }
  if (mechanism === TransferMechanism.ADEQUACY_DECISION) {
    return {
      field: 'mechanism',
      value: mechanism,
      message:
        `ADEQUACY_DECISION is not available for ${countryLabel(country)}, which has no adequacy decision; ` +
        `use an Art. 46 safeguard (${ART_46_SAFEGUARDS.join(', ')}) or an Art. 49 derogation`,
    };
  }
  // Art. 49 derogations are meant for occasional transfers (EDPB Guidelines 2/2018); whether one is used
  // appropriately is a judgement for the lint findings, not an input error.
  return null;
}

/**
 * Checks one processing location of a processor. `field` is the input path of the location, such as
 * `input.locations[0]`; each problem names the exact sub-field. All problems are returned, never thrown.
 */
export function validateLocation(input: LocationInput, field: string): ValidatedLocation {
  const reference = normaliseReference(input.reference);
  const assessment = assessTransfer(input.country, input.mechanism ?? null, reference);
  const problems: ValidationProblem[] = [];
  if (assessment.flaw) {
    const path = `${field}.${assessment.flaw.field}`;
    problems.push({ field: path, value: assessment.flaw.value, message: `${path}: ${assessment.flaw.message}` });
  }
  return { mechanism: assessment.mechanism, reference, problems };
}

/**
 * How a stored location stands under Chapter V. A location inside the EEA is no transfer, so it counts as
 * safeguarded; a third-country location is safeguarded when the rules of `validateLocation` accept it.
 */
export function transferStatus(
  country: CountryStanding,
  mechanism: TransferMechanism | null,
  reference: string | null,
): TransferStatus {
  const { flaw } = assessTransfer(country, mechanism, normaliseReference(reference));
  return { thirdCountry: !country.inEEA, safeguarded: flaw == null, problem: flaw?.message ?? null };
}

/** A blank reference names nothing, so it must not satisfy a rule that asks for one. */
function normaliseReference(reference: string | null | undefined): string | null {
  const trimmed = reference?.trim();
  return trimmed ? trimmed : null;
}

function countryLabel(country: CountryStanding): string {
  return country.name ? `${country.code} (${country.name})` : country.code;
}

function assertNever(value: never): never {
  throw new Error(`unknown adequacy scope: ${String(value)}`);
}
