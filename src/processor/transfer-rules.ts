import { calendarDateProblem, isCalendarDate } from '../common/calendar-date';
import type { ValidationProblem } from '../common/errors';
import { AdequacyScope } from '../country/country.entity';
import { standingUnder, type CountryStanding } from '../country/country.standing';
import { isInsideRegime, Regime } from '../country/regime';
import { dpfStatusOn, tiaStaleness, DEFAULT_DPF_GRACE_DAYS, DEFAULT_TIA_REVIEW_MONTHS, type DpfStatus } from './transfer-clocks';
import { TiaOutcome } from './tia-outcome';
import { TransferMechanism } from './transfer-mechanism';

/**
 * The one judgment of a transfer, under the regime of the person whose data it is: GDPR Chapter V, UK GDPR
 * Chapter V, or FADP Art. 16-17. Data flows, processor validation (API and manifests), approval, findings, the
 * record of processing and the graph all call `judgeTransfer`; nothing else decides whether a transfer is
 * safeguarded. docs/legal-model.md lists the rules and their sources side by side.
 */

export type { CountryStanding } from '../country/country.standing';

/** The role of a party to a transfer, which decides the SCC module (Decision (EU) 2021/914, Annex, Section I). */
export enum PartyRole {
  CONTROLLER = 'CONTROLLER',
  PROCESSOR = 'PROCESSOR',
}

/**
 * The recipient's certification under the Data Privacy Framework, as structured data: the US adequacy findings of
 * all three regimes cover only organisations on the DPF List (for the UK: in its UK Extension; for Switzerland:
 * under the Swiss-U.S. DPF), and a certification lapses unless renewed yearly.
 */
export interface DpfCertification {
  /** The recipient's DPF List entry: https://www.dataprivacyframework.gov/participant/<id>, or that id. */
  certification?: string | null;
  /** YYYY-MM-DD: when the certification must next be checked on the DPF List (its annual re-certification date). */
  reviewDue?: string | null;
}

/** A transfer impact assessment as the judgment reads it: the latest one for the location under the regime. */
export interface TiaFacts {
  reference: string;
  /** YYYY-MM-DD */
  assessedAt: string;
  outcome: TiaOutcome;
}

export interface TransferFacts {
  /** The regime of the person whose data it is (see `regimeOfLocation`); EU_GDPR when not given. */
  regime?: Regime;
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
  /** The location's safeguard under `regime`: its mechanism, reference and DPF certification. */
  mechanism?: TransferMechanism | null;
  reference?: string | null;
  dpf?: DpfCertification | null;
  /** Today as YYYY-MM-DD, to tell lapsed certifications and old assessments; without it, no date is judged past. */
  today?: string | null;
  /** Days before a DPF review date from which it is due (DPF_GRACE_DAYS). */
  dpfGraceDays?: number;
  /** The latest transfer impact assessment of the location under `regime`; null: none recorded; absent: not judged. */
  tia?: TiaFacts | null;
  /** YYYY-MM-DD of the last change of the safeguard (mechanism, reference, certification) or of the chain behind it. */
  lastChangedOn?: string | null;
  /** Months after which an assessment is out of date (TIA_REVIEW_MONTHS). */
  tiaReviewMonths?: number;
  /** True when the importer is itself subject to the GDPR under Art. 3(2) (`Processor.subjectToGdpr`). */
  importerSubjectToGdpr?: boolean | null;
}

/** The parties of a transfer: who sends, who receives, and whether it carries regular processing. */
export type TransferParties = Pick<TransferFacts, 'exporter' | 'importer' | 'regular'>;

/** The parties of the commonest transfer: the controller sends data to a processor it engages. */
export const CONTROLLER_TO_PROCESSOR = { exporter: PartyRole.CONTROLLER, importer: PartyRole.PROCESSOR, regular: true } as const;

/** The findings a flaw is reported as: a transfer without a valid ground is an ERROR under each of these rules. */
export type FlawRule = 'transfer-without-safeguard' | 'dpf-lapsed' | 'systematic-derogation';

/** Which input a rule objects to (relative to the location's safeguard), its value, and why. */
export interface TransferFlaw {
  rule: FlawRule;
  field: 'mechanism' | 'reference' | 'dpf.certification' | 'dpf.reviewDue' | 'transferImpactAssessment';
  value: unknown;
  message: string;
}

/** A concern about a transfer that stays lawful on its face: a WARNING finding, not an input error. */
export interface TransferCaution {
  rule: 'dpf-review-overdue' | 'tia-missing' | 'tia-stale' | 'scc-importer-subject-to-gdpr';
  message: string;
  fix: string;
}

export interface TransferJudgment {
  /** The destination is outside the regime's territory: a transfer in the sense of its transfer rules. */
  thirdCountry: boolean;
  /** What the transfer rests on: none inside the territory; ADEQUACY_DECISION by default where adequacy is full. */
  mechanism: TransferMechanism | null;
  /** True inside the territory, and for a transfer that the rules accept. */
  safeguarded: boolean;
  /** Why the transfer is not safeguarded; null when it is. */
  flaw: TransferFlaw | null;
  cautions: TransferCaution[];
}

/** Art. 46(2) appropriate safeguards of the EU GDPR that this registry records. */
export const ART_46_SAFEGUARDS: readonly TransferMechanism[] = [
  TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES,
  TransferMechanism.BINDING_CORPORATE_RULES,
  TransferMechanism.CODE_OF_CONDUCT,
  TransferMechanism.CERTIFICATION,
];

/** Art. 49(1) derogations (FADP Art. 17 exceptions) that this registry records. */
export const ART_49_DEROGATIONS: readonly TransferMechanism[] = [
  TransferMechanism.DEROGATION_EXPLICIT_CONSENT,
  TransferMechanism.DEROGATION_CONTRACT,
];

/** The UK's own Art. 46 tools (DPA 2018 s.119A): the IDTA, and the Addendum to the EU SCCs. */
const UK_TOOLS: readonly TransferMechanism[] = [TransferMechanism.UK_IDTA, TransferMechanism.UK_ADDENDUM];

/**
 * How each regime names its rules in messages, and the Art. 46 safeguards it accepts. UK GDPR: the EU SCCs alone
 * are not a UK tool (the IDTA or the Addendum is); FADP Art. 16(2)(d): the EU SCCs with the Swiss adaptations
 * the FDPIC recognised on 27 August 2021.
 */
const REGIME_RULES: Readonly<
  Record<Regime, { noAdequacy: string; partial: string; safeguard: string; derogation: string; safeguards: readonly TransferMechanism[] }>
> = {
  EU_GDPR: {
    noAdequacy: 'which has no adequacy decision',
    partial: 'whose adequacy decision is only partial',
    safeguard: 'an Art. 46 safeguard',
    derogation: 'an Art. 49 derogation',
    safeguards: ART_46_SAFEGUARDS,
  },
  UK_GDPR: {
    noAdequacy: 'which has no UK adequacy regulations (UK GDPR Art. 45, DPA 2018 s.17A)',
    partial: 'whose UK adequacy regulations are only partial',
    safeguard: 'a UK GDPR Art. 46 safeguard',
    derogation: 'a UK GDPR Art. 49 derogation',
    safeguards: [...UK_TOOLS, TransferMechanism.BINDING_CORPORATE_RULES, TransferMechanism.CODE_OF_CONDUCT, TransferMechanism.CERTIFICATION],
  },
  SWISS_FADP: {
    noAdequacy: "which is not on the Federal Council's list (FADP Art. 16(1), DPO Annex 1)",
    partial: "whose listing in DPO Annex 1 is only partial",
    safeguard: 'an FADP Art. 16(2) safeguard',
    derogation: 'an FADP Art. 17 exception',
    safeguards: ART_46_SAFEGUARDS,
  },
};

/** Every Art. 46 safeguard of any regime: what a transfer impact assessment is needed for. */
const ALL_SAFEGUARDS = new Set<TransferMechanism>([...ART_46_SAFEGUARDS, ...UK_TOOLS]);

/** The US, whose partial adequacy under each regime covers only organisations certified under the DPF. */
const DPF_COUNTRY = 'US';

/** What a US adequacy claim must name, per regime, beyond the certification: the framework the organisation joined. */
const DPF_FRAMEWORK: Readonly<Record<Regime, { instrument: string; names: RegExp | null; example: string | null }>> = {
  EU_GDPR: { instrument: 'the adequacy decision (EU) 2023/1795', names: null, example: null },
  UK_GDPR: {
    instrument: 'the Data Protection (Adequacy) (United States of America) Regulations 2023',
    names: /\bUK Extension\b|\bdata bridge\b/i,
    example: 'UK Extension to the EU-US DPF',
  },
  SWISS_FADP: {
    instrument: "the Federal Council's listing of the US in DPO Annex 1 (since 15 September 2024)",
    names: /\bSwiss\b/i,
    example: 'Swiss-U.S. DPF',
  },
};

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

/** The id of a DPF List entry, from its page URL or as given (`5780`); null for anything else. */
export function dpfParticipantId(value: string | null | undefined): string | null {
  const text = value?.trim() ?? '';
  if (/^\d{1,10}$/.test(text)) return text;
  const match = /^https:\/\/(?:www\.)?dataprivacyframework\.gov\/participant\/(\d{1,10})\/?$/.exec(text);
  return match ? match[1] : null;
}

/**
 * Whether a value is a DPF certification: the organisation's entry on the DPF List, as its page
 * (https://www.dataprivacyframework.gov/participant/<id>) or its id. A vendor's own page, a DPA, or free text such
 * as "EU-US Data Privacy Framework" shows no certification.
 */
export function isDpfCertification(value: string | null | undefined): boolean {
  return dpfParticipantId(value) !== null;
}

/** The form a DPF certification must take, for messages. */
export const DPF_CERTIFICATION_FORM = 'its DPF List entry, https://www.dataprivacyframework.gov/participant/<id>, or that id';

/** The SCC module a reference names ("SCC 2021/914 module 2", "Module Two"), or null when it names none. */
export function sccModuleOf(reference: string | null | undefined): number | null {
  const match = /\bmodule\s*(one|two|three|four|[1-4])\b/i.exec(reference ?? '');
  if (!match) return null;
  const word = match[1].toLowerCase();
  return ['one', 'two', 'three', 'four'].includes(word) ? ['one', 'two', 'three', 'four'].indexOf(word) + 1 : Number(word);
}

/** True when a reference names the 2021 SCCs: Decision (EU) 2021/914, or "2021 SCCs". */
export function names2021Sccs(reference: string | null | undefined): boolean {
  return /\b2021\/914\b|\b2021\s+(SCCs?|standard contractual clauses)\b/i.test(reference ?? '');
}

/** The repealed SCC decision a reference names (2001/497/EC, 2004/915/EC, 2010/87/EU), or null. */
export function repealedSccDecision(reference: string | null | undefined): string | null {
  return /\b(2001\/497|2004\/915|2010\/87)\b/.exec(reference ?? '')?.[1] ?? null;
}

/** A reference that names the importer's own Binding Corporate Rules for processors (BCR-P), and does not deny them. */
export function namesProcessorBcr(reference: string | null | undefined): boolean {
  const text = reference ?? '';
  return (
    /\bBCR-P\b|binding corporate rules for processors|processor binding corporate rules/i.test(text) &&
    !/\b(no|not|without|pending|applied)\b/i.test(text)
  );
}

const flaw = (field: TransferFlaw['field'], value: unknown, message: string, rule: FlawRule = 'transfer-without-safeguard'): TransferFlaw => ({
  rule,
  field,
  value,
  message,
});

/** Judges one transfer under one regime. A pure function of its facts: see the module comment. */
export function judgeTransfer(facts: TransferFacts): TransferJudgment {
  const regime = facts.regime ?? Regime.EU_GDPR;
  const { destination } = facts;
  const mechanism = facts.mechanism ?? null;
  // Inside the regime's territory its law applies directly and nothing is transferred in its sense, so no
  // mechanism applies; one given anyway is not an error, but it is not what the flow rests on. From the UK and
  // Switzerland, the EEA is outside: adequate, not inside.
  if (isInsideRegime(regime, destination)) return { thirdCountry: false, mechanism: null, safeguarded: true, flaw: null, cautions: [] };

  const reference = normalise(facts.reference);
  const standing = standingUnder(destination, regime, facts.today);
  let found: TransferFlaw | null = foreignInstrumentFlaw(regime, mechanism);
  let resting = mechanism;
  if (!found) {
    switch (standing.adequacy) {
      case AdequacyScope.FULL:
        // Art. 45(1): the finding alone makes the transfer lawful. An exporter may still rely on another
        // instrument (SCCs as a fallback should the finding fall), so that choice is kept, and not second-guessed.
        resting = mechanism ?? TransferMechanism.ADEQUACY_DECISION;
        break;
      case AdequacyScope.PARTIAL:
        found = partialAdequacyFlaw(facts, regime, standing.note ?? null, mechanism, reference);
        break;
      case AdequacyScope.NONE:
        found = noAdequacyFlaw(facts, regime, mechanism, reference);
        break;
      default:
        return assertNever(standing.adequacy);
    }
  }
  const dpf = dpfStatusOf(facts, resting);
  found ??= derogationFlaw(facts, regime, resting) ?? lapsedFlaw(facts, regime, dpf) ?? suspendedFlaw(facts, standing.adequacy, resting);
  return {
    thirdCountry: true,
    mechanism: resting,
    safeguarded: found == null,
    flaw: found,
    cautions: found ? [] : cautionsOf(facts, regime, standing.adequacy, resting, dpf),
  };
}

/** Where a US adequacy claim's DPF certification stands today; null when no date is judged or none applies. */
function dpfStatusOf(facts: TransferFacts, mechanism: TransferMechanism | null): DpfStatus | null {
  const reviewDue = normalise(facts.dpf?.reviewDue);
  if (mechanism !== TransferMechanism.ADEQUACY_DECISION || facts.destination.code !== DPF_COUNTRY || !facts.today || !reviewDue) return null;
  return dpfStatusOn(reviewDue, facts.today, facts.dpfGraceDays ?? DEFAULT_DPF_GRACE_DAYS);
}

/** An instrument of another regime: the UK's IDTA and Addendum outside the UK GDPR, the EU SCCs alone under it. */
function foreignInstrumentFlaw(regime: Regime, mechanism: TransferMechanism | null): TransferFlaw | null {
  if (mechanism && UK_TOOLS.includes(mechanism) && regime !== Regime.UK_GDPR) {
    return flaw(
      'mechanism',
      mechanism,
      `${mechanism} is a UK GDPR instrument (DPA 2018 s.119A) and makes no transfer lawful under ${regime}; ` +
        `use ${REGIME_RULES[regime].safeguard} (${REGIME_RULES[regime].safeguards.join(', ')})`,
    );
  }
  if (mechanism === TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES && regime === Regime.UK_GDPR) {
    return flaw(
      'mechanism',
      mechanism,
      'the EU SCCs alone are not a UK transfer tool (UK GDPR Art. 46, DPA 2018 s.119A): use UK_IDTA (the International Data ' +
        'Transfer Agreement) or UK_ADDENDUM (the Addendum to the EU SCCs), issued by the ICO and in force since 21 March 2022',
    );
  }
  return null;
}

/**
 * A partial finding (US: DPF-certified organisations; CA: commercial organisations) covers only some recipients,
 * so adequacy cannot be presumed: the exporter must say what it relies on, and an adequacy claim must show why
 * the recipient falls inside the finding. For the US that is the recipient's DPF certification, as data.
 */
function partialAdequacyFlaw(
  facts: TransferFacts,
  regime: Regime,
  note: string | null,
  mechanism: TransferMechanism | null,
  reference: string | null,
): TransferFlaw | null {
  const country = facts.destination;
  const rules = REGIME_RULES[regime];
  const scope = () => (note ? ` (${note})` : '');
  if (mechanism == null) {
    return flaw(
      'mechanism',
      null,
      `a mechanism is required for ${countryLabel(country)}, ${rules.partial}${scope()}; ` +
        `use ADEQUACY_DECISION showing the recipient is covered, ` +
        `${rules.safeguard} (${rules.safeguards.join(', ')}) or ${rules.derogation}`,
    );
  }
  if (mechanism !== TransferMechanism.ADEQUACY_DECISION) return safeguardFlaw(facts, regime, mechanism, reference);

  if (country.code === DPF_COUNTRY) {
    const framework = DPF_FRAMEWORK[regime];
    const certification = normalise(facts.dpf?.certification);
    if (!isDpfCertification(certification)) {
      const fault = certification == null ? 'the DPF certification is required' : `"${certification}" is not a DPF certification`;
      return flaw(
        'dpf.certification',
        certification,
        `${fault}: ADEQUACY_DECISION for ${countryLabel(country)} covers only organisations certified under the ` +
          `Data Privacy Framework (${framework.instrument}), so record ${DPF_CERTIFICATION_FORM}`,
      );
    }
    const reviewDue = normalise(facts.dpf?.reviewDue);
    if (reviewDue == null || !isCalendarDate(reviewDue)) {
      return flaw(
        'dpf.reviewDue',
        reviewDue,
        `${reviewDue == null ? 'a review date is required' : calendarDateProblem(reviewDue)}: a DPF ` +
          `certification lapses unless renewed every year, so record when it must next be checked on the DPF List`,
      );
    }
    if (framework.names && !framework.names.test(reference ?? '')) {
      return flaw(
        'reference',
        reference,
        `${reference == null ? 'a reference is required' : `"${reference}" does not name the framework`}: under ${regime}, ` +
          `${framework.instrument} covers only ${note ?? 'some DPF organisations'}; once the DPF List shows the recipient ` +
          `in it, name it in the reference, such as "${framework.example}"`,
      );
    }
    return null;
  }
  if (reference == null) {
    return flaw(
      'reference',
      null,
      `a reference is required: ADEQUACY_DECISION for ${countryLabel(country)} covers only some recipients${scope()}, ` +
        `so the reference must name the decision and why the recipient falls under it`,
    );
  }
  return null;
}

/** Without adequacy, the regime forbids the transfer unless a safeguard or a derogation makes it lawful. */
function noAdequacyFlaw(facts: TransferFacts, regime: Regime, mechanism: TransferMechanism | null, reference: string | null): TransferFlaw | null {
  const country = facts.destination;
  const rules = REGIME_RULES[regime];
  if (mechanism == null) {
    return flaw(
      'mechanism',
      null,
      `a mechanism is required for ${countryLabel(country)}, ${rules.noAdequacy}; ` +
        `use ${rules.safeguard} (${rules.safeguards.join(', ')}) ` +
        `or ${rules.derogation} (${ART_49_DEROGATIONS.join(', ')})`,
    );
  }
  if (mechanism === TransferMechanism.ADEQUACY_DECISION) {
    return flaw(
      'mechanism',
      mechanism,
      `ADEQUACY_DECISION is not available for ${countryLabel(country)}, ${rules.noAdequacy}; ` +
        `use ${rules.safeguard} (${rules.safeguards.join(', ')}) or ${rules.derogation}`,
    );
  }
  return safeguardFlaw(facts, regime, mechanism, reference);
}

/** What a safeguard must show to hold for these parties. Derogations are judged by `derogationFlaw`. */
function safeguardFlaw(facts: TransferFacts, regime: Regime, mechanism: TransferMechanism, reference: string | null): TransferFlaw | null {
  switch (mechanism) {
    case TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES:
    case TransferMechanism.UK_ADDENDUM:
      return sccFlaw(facts, regime, mechanism, reference);
    case TransferMechanism.UK_IDTA:
      if (reference != null) return null;
      return flaw('reference', null, 'a reference is required: UK_IDTA must name the International Data Transfer Agreement concluded with the importer (its version and date)');
    case TransferMechanism.BINDING_CORPORATE_RULES:
      // Art. 47 BCRs bind a corporate group: the controller's own BCRs cover transfers within its group only. A
      // vendor outside the group can rely only on its own BCRs for processors (BCR-P), named as such.
      if (facts.intraGroup || namesProcessorBcr(reference)) return null;
      return flaw(
        'reference',
        reference,
        `BINDING_CORPORATE_RULES cover transfers within a corporate group (Art. 47): for a recipient outside the group, ` +
          `the reference must name the recipient's own approved Binding Corporate Rules for processors (BCR-P)` +
          (reference == null ? '' : `, and "${reference}" does not`),
      );
    case TransferMechanism.CODE_OF_CONDUCT:
    case TransferMechanism.CERTIFICATION:
      if (reference != null) return null;
      return flaw(
        'reference',
        null,
        `a reference is required: ${mechanism} (Art. 46(2)(e) and (f)) must name the approved code or certification and the importer's binding commitment to it`,
      );
    default:
      return null;
  }
}

/**
 * The 2021 SCCs, named with the module the parties' roles call for (Decision (EU) 2021/914, Annex, Section I).
 * The clauses of 2001/497/EC and 2010/87/EU were repealed (2021/914 Art. 4). The UK Addendum amends the EU SCCs,
 * so it names them the same way; under the FADP the EU SCCs hold only with the Swiss adaptations (FDPIC, 27
 * August 2021).
 */
function sccFlaw(facts: TransferFacts, regime: Regime, mechanism: TransferMechanism, reference: string | null): TransferFlaw | null {
  const expected = SCC_MODULES[facts.exporter][facts.importer];
  const named = sccModuleOf(reference);
  // The common case, a 2021 reference with the right module, builds no message.
  if (named === expected.module && names2021Sccs(reference) && !repealedSccDecision(reference)) {
    return regime === Regime.SWISS_FADP ? swissAdaptationsFlaw(reference, expected.module) : null;
  }
  const example = `"SCC 2021/914 module ${expected.module}"`;
  const repealed = repealedSccDecision(reference);
  if (repealed) {
    return flaw(
      'reference',
      reference,
      `"${reference}" names the clauses of Decision ${repealed}, repealed by Decision (EU) 2021/914 Art. 4 with effect from ` +
        `27 September 2021 (contracts concluded on them had until 27 December 2022): conclude the 2021 SCCs and name them, such as ${example}`,
    );
  }
  const parties = `the exporter is a ${facts.exporter.toLowerCase()} and the importer a ${facts.importer.toLowerCase()}`;
  if (named !== expected.module) {
    return flaw(
      'reference',
      reference,
      (named == null
        ? `${reference == null ? 'a reference is required' : `"${reference}" names no SCC module`}: `
        : `"${reference}" names module ${named} (${moduleLabel(named)}), but `) +
        `${parties}, so the clauses must be Decision (EU) 2021/914 module ${expected.module} (${expected.label}); ` +
        `name it, such as ${example}`,
    );
  }
  return flaw(
    'reference',
    reference,
    `"${reference}" does not name the clauses: ${mechanism === TransferMechanism.UK_ADDENDUM ? 'the Addendum amends the EU SCCs, so ' : ''}` +
      `the reference must name Decision (EU) 2021/914 (or "2021 SCCs") and the module, such as ${example}`,
  );
}

/** The EU SCCs under the FADP must say they carry the Swiss adaptations (FDPIC, 27 August 2021). */
function swissAdaptationsFlaw(reference: string | null, module: number): TransferFlaw | null {
  if (/\b(FADP|Swiss|Switzerland)\b/i.test(reference ?? '')) return null;
  return flaw(
    'reference',
    reference,
    `"${reference}" does not say the clauses carry the Swiss adaptations: under the FADP (Art. 16(2)(d)) the FDPIC recognised ` +
      `the EU SCCs on 27 August 2021 only with them (the FDPIC as authority, Switzerland as a "Member State", the FADP for ` +
      `the GDPR); name them, such as "SCC 2021/914 module ${module} with the Swiss adaptations (FADP)"`,
  );
}

/**
 * An Art. 49 derogation (FADP Art. 17 exception) carrying an engaged processor's regular processing: the EDPB
 * reads them as unavailable for regular, systematic transfers (Guidelines 2/2018), so there is no valid ground.
 */
function derogationFlaw(facts: TransferFacts, regime: Regime, mechanism: TransferMechanism | null): TransferFlaw | null {
  if (mechanism == null || !ART_49_DEROGATIONS.includes(mechanism) || !facts.regular) return null;
  return flaw(
    'mechanism',
    mechanism,
    `${mechanism} is ${REGIME_RULES[regime].derogation}, meant for occasional transfers, yet it carries the regular ` +
      `processing of an engaged ${facts.importer.toLowerCase()} to ${countryLabel(facts.destination)} (EDPB Guidelines 2/2018): ` +
      `it is no ground for regular transfers; rely on ${REGIME_RULES[regime].safeguard} (such as ${REGIME_RULES[regime].safeguards[0]})`,
    'systematic-derogation',
  );
}

/** A US adequacy claim whose DPF certification is past its review date: the recipient is no longer shown covered. */
function lapsedFlaw(facts: TransferFacts, regime: Regime, status: DpfStatus | null): TransferFlaw | null {
  if (status !== 'LAPSED') return null;
  const reviewDue = normalise(facts.dpf?.reviewDue);
  return flaw(
    'dpf.reviewDue',
    reviewDue,
    `the DPF certification ${normalise(facts.dpf?.certification)} was due for review on ${reviewDue} and has lapsed: ` +
      `${DPF_FRAMEWORK[regime].instrument} covers the recipient only while its certification is active, so the transfer has no ` +
      `safeguard until the DPF List shows it renewed`,
    'dpf-lapsed',
  );
}

/** An assessment that concluded TRANSFER_SUSPENDED: no measure makes the protection essentially equivalent. */
function suspendedFlaw(facts: TransferFacts, adequacy: AdequacyScope, mechanism: TransferMechanism | null): TransferFlaw | null {
  if (!needsAssessment(adequacy, mechanism) || facts.tia?.outcome !== TiaOutcome.TRANSFER_SUSPENDED) return null;
  return flaw(
    'transferImpactAssessment',
    facts.tia.reference,
    `the transfer impact assessment ${facts.tia.reference} of ${facts.tia.assessedAt} concluded TRANSFER_SUSPENDED: ${mechanism} ` +
      `cannot ensure essentially equivalent protection in ${countryLabel(facts.destination)}, so the transfer must stop ` +
      `(C-311/18 Schrems II; SCC Clause 16(b))`,
  );
}

/** A transfer resting on an Art. 46 safeguard, and not on full adequacy, needs a transfer impact assessment. */
const needsAssessment = (adequacy: AdequacyScope, mechanism: TransferMechanism | null) =>
  adequacy !== AdequacyScope.FULL && mechanism != null && ALL_SAFEGUARDS.has(mechanism);

function cautionsOf(
  facts: TransferFacts,
  regime: Regime,
  adequacy: AdequacyScope,
  mechanism: TransferMechanism | null,
  dpf: DpfStatus | null,
): TransferCaution[] {
  const cautions: TransferCaution[] = [];
  const reviewDue = normalise(facts.dpf?.reviewDue);
  const where = () => countryLabel(facts.destination);
  if (dpf === 'REVIEW_DUE') {
    cautions.push({
      rule: 'dpf-review-overdue',
      message:
        `the DPF certification ${normalise(facts.dpf?.certification)} is due for review on ${reviewDue}: ` +
        `${DPF_FRAMEWORK[regime].instrument} covers the recipient only while its certification is active, and it lapses the day after`,
      fix: 'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the next review date, or rely on another safeguard',
    });
  }
  if (needsAssessment(adequacy, mechanism) && facts.tia !== undefined) {
    if (facts.tia === null) {
      cautions.push({
        rule: 'tia-missing',
        message:
          `${mechanism} to ${where()} has no transfer impact assessment: the exporter must assess whether the ` +
          `law and practice of ${where()} impinge on the safeguard, and adopt supplementary measures where they do ` +
          `(C-311/18 Schrems II; SCC Clause 14; EDPB Recommendations 01/2020)`,
        fix: `assess the transfer and record it (recordTransferImpactAssessment, regime ${regime})`,
      });
    } else {
      const stale = facts.today
        ? tiaStaleness({ assessedAt: facts.tia.assessedAt, today: facts.today, reviewMonths: facts.tiaReviewMonths ?? DEFAULT_TIA_REVIEW_MONTHS, lastChangedOn: facts.lastChangedOn })
        : null;
      if (stale) {
        cautions.push({
          rule: 'tia-stale',
          message: `the transfer impact assessment ${facts.tia.reference} of ${facts.tia.assessedAt} (${regime}, ${where()}) is out of date: ${stale}`,
          fix: `review the assessment against the current safeguard and the law of ${where()}, and record it again (recordTransferImpactAssessment)`,
        });
      }
    }
  }
  if (regime === Regime.EU_GDPR && mechanism === TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES && facts.importerSubjectToGdpr) {
    cautions.push({
      rule: 'scc-importer-subject-to-gdpr',
      message:
        `the importer is itself subject to the GDPR under Art. 3(2), and the 2021 SCCs are not meant for such importers ` +
        `(Decision (EU) 2021/914, recital 7 and Art. 1(1)); the disclosure is still a transfer (EDPB Guidelines 05/2021)`,
      fix:
        'record why the safeguard relied on still ensures protection for an importer under Art. 3(2), and move to the ' +
        "Commission's clauses for such importers once adopted",
    });
  }
  return cautions;
}

function moduleLabel(module: number): string {
  const all = Object.values(SCC_MODULES).flatMap((byImporter) => Object.values(byImporter));
  return all.find((entry) => entry.module === module)!.label;
}

/** What a location rests on under one regime, as registered, stored or declared. */
export interface SafeguardFacts {
  regime: Regime;
  mechanism?: TransferMechanism | null;
  reference?: string | null;
  dpf?: DpfCertification | null;
}

/** A place where a processor processes data, as stored or declared: its own fields are its EU_GDPR safeguard. */
export interface LocationFacts {
  country: string;
  mechanism?: TransferMechanism | null;
  reference?: string | null;
  dpf?: DpfCertification | null;
  /** Its safeguards under the other regimes (an EU_GDPR entry here stands for the fields above when they are empty). */
  safeguards?: readonly SafeguardFacts[] | null;
}

/** The location's safeguard under `regime`, or null when it records none for it. */
export function safeguardUnder(location: LocationFacts, regime: Regime): SafeguardFacts | null {
  if (regime === Regime.EU_GDPR && (location.mechanism != null || normalise(location.reference) != null || location.dpf)) {
    return { regime, mechanism: location.mechanism ?? null, reference: location.reference ?? null, dpf: location.dpf ?? null };
  }
  return location.safeguards?.find((safeguard) => safeguard.regime === regime) ?? null;
}

/** A location as registered: what `validateLocation` reads. */
export interface LocationInput {
  country: CountryStanding;
  mechanism?: TransferMechanism | null;
  reference?: string | null;
  dpf?: DpfCertification | null;
  safeguards?: readonly SafeguardFacts[] | null;
}

export interface ValidatedSafeguard {
  regime: Regime;
  mechanism: TransferMechanism | null;
  reference: string | null;
  dpf: { certification: string | null; reviewDue: string | null } | null;
}

export interface ValidatedLocation {
  mechanism: TransferMechanism | null;
  reference: string | null;
  dpf: { certification: string | null; reviewDue: string | null } | null;
  /** Its UK and Swiss safeguards as they will be stored, in regime order. */
  safeguards: ValidatedSafeguard[];
  problems: ValidationProblem[];
}

const REGIME_ORDER = [Regime.EU_GDPR, Regime.UK_GDPR, Regime.SWISS_FADP];

/**
 * Checks one processing location of a recipient, judged with the parties of the hop that reaches it (the
 * controller to a processor it engages, unless `parties` says otherwise), as the API and manifests register
 * it: its EU_GDPR safeguard (its own mechanism, reference and dpf) and each of its `safeguards`, each judged under
 * its regime. `field` is the input path of the location, such as `input.locations[0]`; each problem names the
 * exact sub-field. Problems are returned, never thrown. Dates are not judged here (a lapsed certification is a
 * finding, and the approval refuses it): a map must stay editable whatever day it is.
 */
export function validateLocation(input: LocationInput, field: string, parties: TransferParties = CONTROLLER_TO_PROCESSOR): ValidatedLocation {
  const problems: ValidationProblem[] = [];
  const report = (path: string, value: unknown, message: string) => problems.push({ field: path, value, message: `${path}: ${message}` });
  const entries: { path: string; safeguard: SafeguardFacts }[] = [];
  const given = input.mechanism != null || normalise(input.reference) != null || input.dpf != null;
  entries.push({ path: field, safeguard: { regime: Regime.EU_GDPR, mechanism: input.mechanism, reference: input.reference, dpf: input.dpf } });
  const seen = new Set<Regime>();
  (input.safeguards ?? []).forEach((safeguard, i) => {
    const path = `${field}.safeguards[${i}]`;
    if (seen.has(safeguard.regime)) return report(`${path}.regime`, safeguard.regime, `${safeguard.regime} is given twice: give each regime one safeguard`);
    seen.add(safeguard.regime);
    if (safeguard.regime !== Regime.EU_GDPR) return entries.push({ path, safeguard });
    if (given) {
      return report(`${path}.regime`, safeguard.regime, 'the EU_GDPR safeguard is already given as the location\'s mechanism, reference and dpf: give it once');
    }
    entries[0] = { path, safeguard };
  });

  const validated = entries.map(({ path, safeguard }) => {
    const formProblems = dpfFormProblems(safeguard.dpf, path);
    problems.push(...formProblems);
    const judgment = judgeTransfer({ ...parties, destination: input.country, ...safeguard });
    if (judgment.flaw && formProblems.length === 0) {
      report(`${path}.${judgment.flaw.field}`, judgment.flaw.value, judgment.flaw.message);
    }
    const certification = normalise(safeguard.dpf?.certification);
    const reviewDue = normalise(safeguard.dpf?.reviewDue);
    return {
      regime: safeguard.regime,
      mechanism: judgment.mechanism,
      reference: normalise(safeguard.reference),
      dpf: certification || reviewDue ? { certification, reviewDue } : null,
    };
  });
  const [eu, ...others] = validated;
  return {
    mechanism: eu.mechanism,
    reference: eu.reference,
    dpf: eu.dpf,
    safeguards: others.sort((a, b) => REGIME_ORDER.indexOf(a.regime) - REGIME_ORDER.indexOf(b.regime)),
    problems,
  };
}

/** A DPF certification must be the DPF List entry, and its review date a real date, wherever one is recorded. */
function dpfFormProblems(dpf: DpfCertification | null | undefined, path: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const certification = normalise(dpf?.certification);
  if (certification != null && !isDpfCertification(certification)) {
    const field = `${path}.dpf.certification`;
    problems.push({ field, value: certification, message: `${field}: "${certification}" is not a DPF certification: give ${DPF_CERTIFICATION_FORM}` });
  }
  const reviewDue = normalise(dpf?.reviewDue);
  const problem = reviewDue == null ? null : calendarDateProblem(reviewDue);
  if (problem) {
    const field = `${path}.dpf.reviewDue`;
    problems.push({ field, value: reviewDue, message: `${field}: ${problem}` });
  }
  return problems;
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
export function headquartersFlawMessage(country: CountryStanding, found: TransferFlaw): string {
  return (
    `no processing location is recorded, so the processor is judged at its headquarters ${countryLabel(country)}: ` +
    `${found.message}; add a location for ${country.code} with its transfer mechanism`
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
