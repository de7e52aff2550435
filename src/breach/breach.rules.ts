import type { DataFlow } from '../data-flow/data-flow.types';
import { SUPERVISORY_AUTHORITIES, type AuthorityEntry } from '../supervisory-authority/supervisory-authority.reference';
import { BreachNoticePhase, BreachRisk, riskReaches } from './breach.entity';
import type { BreachImpact, BreachNoticeView } from './breach.types';

/** Art. 33(1): "not later than 72 hours after having become aware of it"; the policy promises the same to people. */
export const NOTICE_HOURS = 72;
const HOUR_MS = 60 * 60 * 1000;

/**
 * When the clocks of a breach start: at awareness, or earlier when the processor told the company first (the
 * controller is aware once its processor has informed it: EDPB Guidelines 9/2022 v2.0, section II.A.4).
 */
export function clockStart(awareAt: Date, processorNotifiedAt: Date | null | undefined): Date {
  return processorNotifiedAt && processorNotifiedAt < awareAt ? processorNotifiedAt : awareAt;
}

export const authorityDueAtOf = (awareAt: Date, processorNotifiedAt?: Date | null) =>
  new Date(clockStart(awareAt, processorNotifiedAt).getTime() + NOTICE_HOURS * HOUR_MS);

/** The people are told within 72 hours of any breach that poses a risk (the policy; Art. 34(1) for a high risk); null for NONE. */
export const subjectsDueAtOf = (risk: BreachRisk, awareAt: Date, processorNotifiedAt?: Date | null) =>
  risk === BreachRisk.NONE ? null : authorityDueAtOf(awareAt, processorNotifiedAt);

/**
 * The states where the people live, from ISO 3166-1 or -2 codes: a subdivision counts for its country ("ES-CT"
 * for ES), an EEA territory for its member state ("RE" for FR).
 */
export function residenceStates(codes: readonly string[], memberStateOf: (country: string) => string | null): string[] {
  return sorted(codes.map((code) => code.slice(0, 2).toUpperCase()).map((country) => memberStateOf(country) ?? country));
}

/**
 * The authorities a breach owes a notice: the authority of each state where affected people live, when the risk
 * reaches its threshold (the EEA's and the ICO from RISK, the FDPIC from HIGH_RISK). PythonMaster has no
 * establishment in the EEA, so no lead authority takes the others' place (EDPB Guidelines 9/2022 v2.0, para. 73).
 */
export function authoritiesOwed(states: readonly string[], risk: BreachRisk, table: readonly AuthorityEntry[] = SUPERVISORY_AUTHORITIES): AuthorityEntry[] {
  const where = new Set(states);
  return table.filter((entry) => where.has(entry.country) && riskReaches(risk, entry.noticeFrom as BreachRisk)).sort((a, b) => a.code.localeCompare(b.code));
}

/** A notice (one phase) as stored. */
export interface SentNotice {
  authorityCode: string;
  phase: BreachNoticePhase;
  notifiedAt: Date;
  lateReason: string | null;
  reference: string | null;
}

/**
 * One notice per authority: each owed one, sent or not, and each one told that is no longer owed (after a
 * re-assessment). `view` turns a table entry into its GraphQL form.
 */
export function noticesOf(
  owed: readonly AuthorityEntry[],
  sent: readonly SentNotice[],
  dueAt: Date,
  entryOf: (code: string) => AuthorityEntry | null,
  view: (entry: AuthorityEntry) => BreachNoticeView['authority'],
): BreachNoticeView[] {
  const owedCodes = new Set(owed.map((entry) => entry.code));
  const codes = sorted([...owedCodes, ...sent.map((notice) => notice.authorityCode)]);
  return codes.flatMap((code) => {
    const entry = entryOf(code);
    if (!entry) return [];
    const updates = sent.filter((notice) => notice.authorityCode === code).sort((a, b) => a.notifiedAt.getTime() - b.notifiedAt.getTime());
    const initial = updates.find((notice) => notice.phase === BreachNoticePhase.INITIAL) ?? null;
    const last = updates[updates.length - 1] ?? null;
    return [{
      authority: view(entry),
      owed: owedCodes.has(code),
      dueAt: owedCodes.has(code) ? dueAt : null,
      notifiedAt: initial?.notifiedAt ?? null,
      lateReason: initial?.lateReason ?? null,
      reference: [...updates].reverse().find((notice) => notice.reference)?.reference ?? null,
      phase: last?.phase ?? null,
      updates: updates.map(({ phase, notifiedAt, reference }) => ({ phase, notifiedAt, reference })),
    }];
  });
}

/** The age below which a person is a child for the breach assessment (UN CRC Art. 1; GDPR recital 38). */
export const ADULT_AGE = 18;

export interface ImpactFacts {
  /** The processors and activities the breach report names. */
  processors: readonly string[];
  activities: readonly string[];
  /** The flows of the map through any of those processors, or through processors of those activities. */
  flows: readonly DataFlow[];
  /** The categories each activity declares (an activity without a processor still holds its data). */
  categoriesOf: (activity: string) => readonly string[];
  subjectTypesOf: (activity: string) => readonly string[];
  /** Whether an activity is recorded to process children's data (its `children` flag). */
  involvesChildren: (activity: string) => boolean;
  /** Whether a category (by key) is a special category of data (Art. 9). */
  isSpecialCategory: (category: string) => boolean;
  /** The youngest age the platform admits. */
  minimumAge: number;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** Every recipient a flow passes and the country it holds the data in: each hop of its path (the flow itself without one). */
const hopsOf = (flow: DataFlow) =>
  flow.path.length > 0
    ? flow.path.map((hop) => ({ processorKey: hop.toKey, countryCode: hop.destinationCode }))
    : [{ processorKey: flow.processorKey, countryCode: flow.destinationCode }];

/**
 * What a breach touches: the flows through an involved processor, and the flows of an involved activity
 * (with the activity's own categories, which it holds even when no processor receives them). A flow along a chain
 * is touched when any recipient on it is involved: a processor answers for the sub-processors it engaged, which
 * hold the data on its behalf (Art. 28(4)); and every recipient and country on a touched flow is in the radius,
 * not only where the data finally is.
 */
export function impactOf(facts: ImpactFacts): BreachImpact {
  const processors = new Set(facts.processors);
  const activities = new Set(facts.activities);
  const touched = facts.flows.filter((flow) => activities.has(flow.activityKey) || hopsOf(flow).some((hop) => processors.has(hop.processorKey)));
  // A recipient still in its notice period has received nothing yet: it is shown as scheduled, not as affected.
  const flows = touched.filter((flow) => !flow.pending);
  const scheduled = new Map<string, { processorKey: string; countryCode: string; from: Date }>();
  for (const flow of touched) {
    if (flow.pending && flow.effectiveFrom) {
      scheduled.set(`${flow.processorKey}|${flow.destinationCode}`, { processorKey: flow.processorKey, countryCode: flow.destinationCode, from: flow.effectiveFrom });
    }
  }
  const activityKeys = sorted([...activities, ...flows.map((flow) => flow.activityKey)]);
  const categoryKeys = sorted([...flows.map((flow) => flow.categoryKey), ...[...activities].flatMap(facts.categoriesOf)]);
  const subjectTypeKeys = sorted(activityKeys.flatMap(facts.subjectTypesOf));
  return {
    processorKeys: sorted([...processors, ...flows.flatMap(hopsOf).map((hop) => hop.processorKey)]),
    activityKeys,
    categoryKeys,
    subjectTypeKeys,
    countryCodes: sorted(flows.flatMap(hopsOf).map((hop) => hop.countryCode)),
    specialCategoryData: categoryKeys.some(facts.isSpecialCategory),
    childrenData: facts.minimumAge < ADULT_AGE && activityKeys.some(facts.involvesChildren),
    scheduled: [...scheduled.values()].sort((a, b) => a.processorKey.localeCompare(b.processorKey) || a.countryCode.localeCompare(b.countryCode)),
  };
}
