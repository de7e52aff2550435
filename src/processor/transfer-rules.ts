import type { ValidationProblem } from '../common/errors';
import { AdequacyScope } from '../country/country.entity';
import { TransferMechanism } from './transfer-mechanism';

/**
 * The one judgment of a transfer under GDPR Chapter V. Data flows, processor validation (API and manifests),
 * findings, the record of processing and the graph all call `judgeTransfer`; nothing else decides whether a
 * transfer is safeguarded. docs/legal-model.md lists the rules and their sources.
 */

/** What the transfer rules need to know about a country; a `Country` entity satisfies it. */
export interface CountryStanding {
  code: string;
  /** Only used to make messages readable, such as "IN (India)". */
  name?: string | null;
  /** True for EEA states and for their territories where the GDPR applies (RE, AX: see Country.memberState). */
  inEEA: boolean;
  adequacy: AdequacyScope;
  adequacyNote?: string | null;
}

/** The role of a party to a transfer, which decides the SCC module (Decision (EU) 2021/914, Annex, Section I). */
export enum PartyRole {
  CONTROLLER = 'CONTROLLER',
  PROCESSOR = 'PROCESSOR',
}

/**
 * The recipient's certification under the EU-US Data Privacy Framework, as structured data: the US adequacy
 * decision (EU) 2023/1795 covers only certified organisations, and a certification lapses unless renewed yearly.
 */
export interface DpfCertification {
  /** Where the certification can be checked: its DPF List entry or the recipient's statement (https URL), or its DPF organisation id. */
  certification?: string | null;
  /** YYYY-MM-DD: when the certification must next be checked on the DPF List (its annual re-certification date). */
  reviewDue?: string | null;
}

export interface TransferFacts {
  /** Who sends the data. In this registry, the controller: every processor is engaged by it. */
  exporter: PartyRole;
  /** Who receives it. */
  importer: PartyRole;
  /** True when the importer belongs to the exporter's corporate group (BCRs are a group instrument, Art. 47). */
  intraGroup?: boolean;
  /**
   * True when the importer receives data for the exporter's regular, ongoing processing, as an engaged processor
   * does; Art. 49 derogations are for occasional transfers only.
   */
  regular?: boolean;
  destination: CountryStanding;
  mechanism?: TransferMechanism | null;
  reference?: string | null;
  dpf?: DpfCertification | null;
  /** Today as YYYY-MM-DD, to tell a DPF review date that has passed; without it, no date is judged past. */
  today?: string | null;
}

/** The parties of every transfer this registry records: the controller sends data to a processor it engages. */
export const CONTROLLER_TO_PROCESSOR = { exporter: PartyRole.CONTROLLER, importer: PartyRole.PROCESSOR, regular: true } as const;

/** Which input a rule objects to (relative to the location), its value, and why. */
export interface TransferFlaw {
  field: 'mechanism' | 'reference' | 'dpf.certification' | 'dpf.reviewDue';
  value: unknown;
  message: string;
}

/** A concern about a transfer that stays lawful on its face: a WARNING finding, not an input error. */
export interface TransferCaution {
  rule: 'systematic-derogation' | 'dpf-review-overdue';
  message: string;
  fix: string;
}

export interface TransferJudgment {
  /** The destination is outside the EEA: a transfer in the sense of Chapter V. */
  thirdCountry: boolean;
  /** What the transfer rests on: none inside the EEA; ADEQUACY_DECISION by default where adequacy is full. */
  mechanism: TransferMechanism | null;
  /** True inside the EEA, and for a third-country transfer that the rules accept. */
  safeguarded: boolean;
  /** Why the transfer is not safeguarded; null when it is. */
  flaw: TransferFlaw | null;
  cautions: TransferCaution[];
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

/** The US, whose partial adequacy decision (EU) 2023/1795 covers only organisations certified under the DPF. */
const DPF_COUNTRY = 'US';

/** Decision (EU) 2021/914: the module each pair of roles must use. */
export const SCC_MODULES: Readonly<Record<PartyRole, Readonly<Record<PartyRole, { module: number; label: string }>>>> = {
  CONTROLLER: {
    CONTROLLER: { module: 1, label: 'controller to controller' },
    PROCESSOR: { module: 2, label: 'controller to processor' },
  },
  PROCESSOR: {
    PROCESSOR: { module: 3, label: 'processor to processor' },
    CONTROLLER: { module: 4, label: 'processor to controller' },
  },
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Where the recipient's DPF certification can be checked: an https URL (its DPF List entry, or the recipient's
 * own statement of its certification), or its DPF organisation id (no spaces, at least one digit). Free text such
 * as "EU-US Data Privacy Framework" or "Not DPF certified" is neither.
 */
export function isDpfCertification(value: string | null | undefined): boolean {
  const text = value?.trim();
  if (!text) return false;
  if (/^[A-Za-z0-9-]{1,40}$/.test(text) && /\d/.test(text)) return true;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname.includes('.') && !/\s/.test(text);
  } catch {
    return false;
  }
}

/** The SCC module a reference names ("SCC 2021/914 module 2", "Module Two"), or null when it names none. */
export function sccModuleOf(reference: string | null | undefined): number | null {
  const match = /\bmodule\s*(one|two|three|four|[1-4])\b/i.exec(reference ?? '');
  if (!match) return null;
  const word = match[1].toLowerCase();
  return ['one', 'two', 'three', 'four'].includes(word) ? ['one', 'two', 'three', 'four'].indexOf(word) + 1 : Number(word);
}

/** A reference that names the importer's own Binding Corporate Rules for processors (BCR-P), and does not deny them. */
export function namesProcessorBcr(reference: string | null | undefined): boolean {
  const text = reference ?? '';
  return (
    /\bBCR-P\b|binding corporate rules for processors|processor binding corporate rules/i.test(text) &&
    !/\b(no|not|without|pending|applied)\b/i.test(text)
  );
}

/** Judges one transfer. A pure function of its facts: see the module comment. */
export function judgeTransfer(facts: TransferFacts): TransferJudgment {
  const { destination } = facts;
  const mechanism = facts.mechanism ?? null;
  // Inside the EEA (territories included) the GDPR applies directly and nothing is transferred in the sense of
  // Chapter V, so no mechanism applies; one given anyway is not an error, but it is not what the flow rests on.
  if (destination.inEEA) return { thirdCountry: false, mechanism: null, safeguarded: true, flaw: null, cautions: [] };

  const reference = normalise(facts.reference);
  let flaw: TransferFlaw | null;
  let resting = mechanism;
  switch (destination.adequacy) {
    case AdequacyScope.FULL:
      // Art. 45(1): the decision alone makes the transfer lawful. An exporter may still rely on another
      // instrument (SCCs as a fallback should the decision fall), so that choice is kept, and not second-guessed.
      resting = mechanism ?? TransferMechanism.ADEQUACY_DECISION;
      flaw = null;
      break;
    case AdequacyScope.PARTIAL:
      flaw = partialAdequacyFlaw(facts, mechanism, reference);
      break;
    case AdequacyScope.NONE:
      flaw = noAdequacyFlaw(facts, mechanism, reference);
      break;
    default:
      return assertNever(destination.adequacy);
  }
  return { thirdCountry: true, mechanism: resting, safeguarded: flaw == null, flaw, cautions: flaw ? [] : cautionsOf(facts, resting) };
}

/**
 * A partial decision (US: DPF-certified organisations; CA: commercial organisations) covers only some recipients,
 * so adequacy cannot be presumed: the exporter must say what it relies on, and an adequacy claim must show why
 * the recipient falls inside the decision. For the US that is the recipient's DPF certification, as data.
 */
function partialAdequacyFlaw(facts: TransferFacts, mechanism: TransferMechanism | null, reference: string | null): TransferFlaw | null {
  const country = facts.destination;
  const scope = country.adequacyNote ? ` (${country.adequacyNote})` : '';
  if (mechanism == null) {
    return {
      field: 'mechanism',
      value: null,
      message:
        `a mechanism is required for ${countryLabel(country)}, whose adequacy decision is only partial${scope}; ` +
        `use ADEQUACY_DECISION showing the recipient is covered, ` +
        `an Art. 46 safeguard (${ART_46_SAFEGUARDS.join(', ')}) or an Art. 49 derogation`,
    };
  }
  if (mechanism !== TransferMechanism.ADEQUACY_DECISION) return safeguardFlaw(facts, mechanism, reference);

  if (country.code === DPF_COUNTRY) {
    const certification = normalise(facts.dpf?.certification);
    if (!isDpfCertification(certification)) {
      const fault = certification == null ? 'the DPF certification is required' : `"${certification}" is not a DPF certification`;
      return {
        field: 'dpf.certification',
        value: certification,
        message:
          `${fault}: ADEQUACY_DECISION for ${countryLabel(country)} covers only organisations certified under the ` +
          `EU-US Data Privacy Framework (Decision (EU) 2023/1795), so record where its certification can be checked: ` +
          `its DPF List entry (https URL) or its DPF organisation id`,
      };
    }
    const reviewDue = normalise(facts.dpf?.reviewDue);
    if (reviewDue == null || !DATE.test(reviewDue)) {
      return {
        field: 'dpf.reviewDue',
        value: reviewDue,
        message:
          `${reviewDue == null ? 'a review date is required' : `"${reviewDue}" is not a date YYYY-MM-DD`}: a DPF ` +
          `certification lapses unless renewed every year, so record when it must next be checked on the DPF List`,
      };
    }
    return null;
  }
  if (reference == null) {
    return {
      field: 'reference',
      value: null,
      message:
        `a reference is required: ADEQUACY_DECISION for ${countryLabel(country)} covers only some recipients${scope}, ` +
        `so the reference must name the decision and why the recipient falls under it`,
    };
  }
  return null;
}

/** Without an adequacy decision, Art. 44 forbids the transfer unless Art. 46 or Art. 49 makes it lawful. */
function noAdequacyFlaw(facts: TransferFacts, mechanism: TransferMechanism | null, reference: string | null): TransferFlaw | null {
  const country = facts.destination;
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
  return safeguardFlaw(facts, mechanism, reference);
}

/** What an Art. 46 safeguard must show to hold for these parties. Derogations are judged as cautions instead. */
function safeguardFlaw(facts: TransferFacts, mechanism: TransferMechanism, reference: string | null): TransferFlaw | null {
  switch (mechanism) {
    case TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES: {
      const expected = SCC_MODULES[facts.exporter][facts.importer];
      const named = sccModuleOf(reference);
      const parties = `the exporter is a ${facts.exporter.toLowerCase()} and the importer a ${facts.importer.toLowerCase()}`;
      if (named === expected.module) return null;
      return {
        field: 'reference',
        value: reference,
        message:
          (named == null
            ? `${reference == null ? 'a reference is required' : `"${reference}" names no SCC module`}: `
            : `"${reference}" names module ${named} (${moduleLabel(named)}), but `) +
          `${parties}, so the clauses must be Decision (EU) 2021/914 module ${expected.module} (${expected.label}); ` +
          `name it, such as "SCC 2021/914 module ${expected.module}"`,
      };
    }
    case TransferMechanism.BINDING_CORPORATE_RULES:
      // Art. 47 BCRs bind a corporate group: the controller's own BCRs cover transfers within its group only. A
      // vendor outside the group can rely only on its own BCRs for processors (BCR-P), named as such.
      if (facts.intraGroup || namesProcessorBcr(reference)) return null;
      return {
        field: 'reference',
        value: reference,
        message:
          `BINDING_CORPORATE_RULES cover transfers within a corporate group (Art. 47): for a recipient outside the group, ` +
          `the reference must name the recipient's own approved Binding Corporate Rules for processors (BCR-P)` +
          (reference == null ? '' : `, and "${reference}" does not`),
      };
    case TransferMechanism.CODE_OF_CONDUCT:
    case TransferMechanism.CERTIFICATION:
      if (reference != null) return null;
      return {
        field: 'reference',
        value: null,
        message: `a reference is required: ${mechanism} (Art. 46(2)(e) and (f)) must name the approved code or certification and the importer's binding commitment to it`,
      };
    default:
      return null;
  }
}

function cautionsOf(facts: TransferFacts, mechanism: TransferMechanism | null): TransferCaution[] {
  const cautions: TransferCaution[] = [];
  if (mechanism != null && ART_49_DEROGATIONS.includes(mechanism) && facts.regular) {
    cautions.push({
      rule: 'systematic-derogation',
      message:
        `${mechanism} is an Art. 49(1) derogation, meant for occasional transfers, yet it carries the regular ` +
        `processing of an engaged ${facts.importer.toLowerCase()} to ${countryLabel(facts.destination)} (EDPB Guidelines 2/2018)`,
      fix: 'rely on an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES) for regular transfers',
    });
  }
  const reviewDue = normalise(facts.dpf?.reviewDue);
  if (mechanism === TransferMechanism.ADEQUACY_DECISION && facts.destination.code === DPF_COUNTRY && reviewDue && facts.today && reviewDue < facts.today) {
    cautions.push({
      rule: 'dpf-review-overdue',
      message:
        `the DPF certification ${normalise(facts.dpf?.certification)} was due for review on ${reviewDue}: the adequacy ` +
        `decision (EU) 2023/1795 covers the recipient only while its certification is active`,
      fix: 'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the next review date, or rely on STANDARD_CONTRACTUAL_CLAUSES',
    });
  }
  return cautions;
}

function moduleLabel(module: number): string {
  const all = Object.values(SCC_MODULES).flatMap((byImporter) => Object.values(byImporter));
  return all.find((entry) => entry.module === module)!.label;
}

/** A location as registered: what `validateLocation` reads. */
export interface LocationInput {
  country: CountryStanding;
  mechanism?: TransferMechanism | null;
  reference?: string | null;
  dpf?: DpfCertification | null;
}

export interface ValidatedLocation {
  mechanism: TransferMechanism | null;
  reference: string | null;
  dpf: { certification: string | null; reviewDue: string | null } | null;
  problems: ValidationProblem[];
}

/**
 * Checks one processing location of a processor engaged by the controller, as the API and manifests register
 * it. `field` is the input path of the location, such as `input.locations[0]`; each problem names the exact
 * sub-field. Problems are returned, never thrown.
 */
export function validateLocation(input: LocationInput, field: string): ValidatedLocation {
  const judgment = judgeTransfer({ ...CONTROLLER_TO_PROCESSOR, destination: input.country, mechanism: input.mechanism, reference: input.reference, dpf: input.dpf });
  const problems: ValidationProblem[] = [];
  if (judgment.flaw) {
    const path = `${field}.${judgment.flaw.field}`;
    problems.push({ field: path, value: judgment.flaw.value, message: `${path}: ${judgment.flaw.message}` });
  }
  const certification = normalise(input.dpf?.certification);
  const reviewDue = normalise(input.dpf?.reviewDue);
  return {
    mechanism: judgment.mechanism,
    reference: normalise(input.reference),
    dpf: certification || reviewDue ? { certification, reviewDue } : null,
    problems,
  };
}

/** A place where a processor processes data, as stored or declared. */
export interface LocationFacts {
  country: string;
  mechanism?: TransferMechanism | null;
  reference?: string | null;
  dpf?: DpfCertification | null;
}

/**
 * Where a processor's transfers go: its locations, or, when it records none, its headquarters (with no
 * mechanism), so that a processor with an incomplete record is judged where it is established.
 */
export function transferLocations(headquarters: string, locations: readonly LocationFacts[]): (LocationFacts & { atHeadquarters: boolean })[] {
  if (locations.length > 0) return locations.map((location) => ({ ...location, atHeadquarters: false }));
  return [{ country: headquarters, mechanism: null, reference: null, dpf: null, atHeadquarters: true }];
}

/** The message of a flaw on a processor judged at its headquarters, since it records no location. */
export function headquartersFlawMessage(country: CountryStanding, flaw: TransferFlaw): string {
  return (
    `no processing location is recorded, so the processor is judged at its headquarters ${countryLabel(country)}: ` +
    `${flaw.message}; add a location for ${country.code} with its transfer mechanism`
  );
}

/** A blank value names nothing, so it must not satisfy a rule that asks for one. */
function normalise(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export function countryLabel(country: CountryStanding): string {
  return country.name ? `${country.code} (${country.name})` : country.code;
}

function assertNever(value: never): never {
  throw new Error(`unknown adequacy scope: ${String(value)}`);
}
