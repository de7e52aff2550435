import type { EntityManager } from '@mikro-orm/postgresql';
import { everyActivityLawOf } from '../age-policy/age-policy.reference';
import { fieldName, jurisdictionInput, unknownCountryMessage, type Jurisdiction } from '../age-policy/jurisdiction';
import { badInput } from '../common/errors';
import type { Loaders } from '../db/loaders';
import { quoteIdentifier, readRows, selectList, tableShape, textArray, type Row } from '../db/rows';
import type { LegalBasis } from '../processing-activity/legal-basis';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { AgeInputError, basesNeedingParentalConsent, computeAge, decideAge, resolveDigitalConsentAge, type DigitalConsentAgeResolution } from './age';
import type { AgeGateCounters } from './age-gate.counters';
import type { AgePolicySource, PolicyForCheck } from './age-gate.policy';
import { AgeGateOutcome } from './age-gate-outcome';
import { AgeGateReason, type AgeGateInput, type AgeGateResult, type AgeGateStats } from './age-gate.types';

/** Where the policy default of the age of digital consent comes from. */
export const DEFAULT_AGE_SOURCE = 'GDPR Art. 8(1)';

/** Whether any activity rests on one of these bases: only then is a parent's consent asked of a child. */
async function anyActivityOn(em: EntityManager, bases: readonly LegalBasis[]): Promise<boolean> {
  if (bases.length === 0) return false;
  const [row] = await em.execute<{ found: boolean }[]>(
    'select exists (select 1 from processing_activity where legal_basis::text = any(?::text[])) as "found"',
    [textArray(bases)],
  );
  return row.found;
}

/**
 * The activities resting on one of these bases (see `basesNeedingParentalConsent`), in key order, with the columns
 * the operation selects. Read only when a client asks for them: a check that does not (the signup service's) costs
 * one short statement.
 */
export function activitiesOn(loaders: Loaders, bases: readonly LegalBasis[]): Promise<Row[]> {
  if (bases.length === 0) return Promise.resolve([]);
  const shape = tableShape(loaders.em, ProcessingActivity);
  const column = (property: string) => `t.${quoteIdentifier(shape.columns.get(property)!.column)}`;
  return readRows(
    loaders.em,
    `select ${selectList(shape, loaders.properties(shape))} from ${quoteIdentifier(shape.table)} t
     where ${column('legalBasis')}::text = any(?::text[]) order by ${column('key')} collate "C"`,
    [textArray(bases)],
    shape,
  );
}

/** Longest period `ageGateStats` answers for, so that a dashboard query stays bounded. */
export const MAX_STATS_DAYS = 366;

function outcomeOf(result: Pick<AgeGateResult, 'allowed' | 'parentalConsentRequired'>): AgeGateOutcome {
  if (!result.allowed) return AgeGateOutcome.BLOCKED;
  return result.parentalConsentRequired ? AgeGateOutcome.PARENTAL_CONSENT_REQUIRED : AgeGateOutcome.ALLOWED;
}

/**
 * The jurisdiction a check counts under: a subdivision the policy has an age for ("CA-QC"), else its country.
 * Counter series and stored rows stay within the policy's jurisdictions and the known countries, whatever
 * codes callers invent ("US-A00" counts as "US").
 */
function countedJurisdiction(jurisdiction: Jurisdiction, ages: PolicyForCheck['ages']): string {
  return jurisdiction.subdivision && ages && Object.hasOwn(ages, jurisdiction.subdivision) ? jurisdiction.subdivision : jurisdiction.country;
}

/**
 * A birth date or time zone the caller got wrong becomes BAD_USER_INPUT naming the field under `input` (`profile`
 * for a one-person view); anything else is a bug.
 */
function asBadInput(error: unknown, input = 'input'): never {
  if (error instanceof AgeInputError) throw badInput(error.message, { field: `${input}.${error.field}`, value: error.value });
  throw error;
}

/** The age of digital consent in a jurisdiction, and the policy it comes from. */
interface ConsentAgeIn {
  policy: PolicyForCheck;
  resolved: DigitalConsentAgeResolution;
}

/** What one person's age asks of their processing: see `basesNeedingParentalConsent`. */
export interface ChildRule {
  age: number;
  digitalConsentAge: number;
  /** The legal bases of the activities that need a parent's consent the person does not have; empty for most. */
  bases: readonly LegalBasis[];
}

/**
 * Answers whether someone may sign up. The birth date lives only in this call's memory: it is not written,
 * logged or sent to the database; the only trace of a check is one more count in the counters.
 */
export class AgeGateService {
  constructor(
    private readonly counters: AgeGateCounters,
    private readonly policySource: AgePolicySource,
    private readonly clock: () => Date,
  ) {}

  /** Tells the gate that a policy change committed, so that the next check applies it. */
  policyChanged(): void {
    this.policySource.changed();
  }

  async check(em: EntityManager, input: AgeGateInput): Promise<AgeGateResult> {
    const now = this.clock();
    let age: number;
    try {
      age = computeAge({ birthDate: input.birthDate, timeZone: input.timeZone, now }).age;
    } catch (error) {
      asBadInput(error);
    }
    const jurisdiction = jurisdictionInput(input.country, 'input.country');
    const { policy, resolved } = await this.consentAgeIn(em, jurisdiction, 'input.country');
    const digitalConsentAge = resolved.age;
    const decision = decideAge({ age, digitalConsentAge, ...policy });
    // Art. 8 applies where the basis is consent (Art. 6(1)(a)), Quebec's and India's laws to every basis.
    const bases = decision.allowed
      ? basesNeedingParentalConsent({ age, digitalConsentAge, everyActivity: everyActivityLawOf(jurisdiction) !== null, parentalConsent: false })
      : [];
    const parentalConsentRequired = await anyActivityOn(em, bases);
    const result: AgeGateResult = {
      age,
      minimumAge: policy.minimumAge,
      digitalConsentAge,
      digitalConsentAgeJurisdiction: resolved.jurisdiction,
      digitalConsentAgeSource: resolved.jurisdiction ? (policy.sources?.[resolved.jurisdiction] ?? null) : DEFAULT_AGE_SOURCE,
      ...decision,
      parentalConsentRequired,
      basesNeedingParentalConsent: parentalConsentRequired ? bases : [],
      reason: decision.reason && AgeGateReason[decision.reason],
    };
    this.counters.record(countedJurisdiction(jurisdiction, policy.ages), outcomeOf(result), now);
    return result;
  }

  /**
   * What a person's age asks of their processing in a jurisdiction (already checked to be known), for the one-person
   * view. The birth date, like the gate's, lives only in this call's memory; nothing is counted.
   */
  async childRule(
    em: EntityManager,
    person: { birthDate: string; timeZone?: string | null; jurisdiction: Jurisdiction; parentalConsent: boolean },
    input: string,
  ): Promise<ChildRule> {
    let age: number;
    try {
      age = computeAge({ birthDate: person.birthDate, timeZone: person.timeZone, now: this.clock() }).age;
    } catch (error) {
      asBadInput(error, input);
    }
    const { resolved } = await this.consentAgeIn(em, person.jurisdiction, `${input}.country`);
    const everyActivity = everyActivityLawOf(person.jurisdiction) !== null;
    return {
      age,
      digitalConsentAge: resolved.age,
      bases: basesNeedingParentalConsent({ age, digitalConsentAge: resolved.age, everyActivity, parentalConsent: person.parentalConsent }),
    };
  }

  /** The age of digital consent that applies in a jurisdiction; BAD_USER_INPUT on `field` when its country is unknown. */
  private async consentAgeIn(em: EntityManager, jurisdiction: Jurisdiction, field: string): Promise<ConsentAgeIn> {
    const policy = await this.policySource.forCheck(em, jurisdiction);
    if (!policy.countryKnown) {
      throw badInput(unknownCountryMessage(fieldName(field), jurisdiction), { field, value: jurisdiction.code });
    }
    return { policy, resolved: resolveDigitalConsentAge(jurisdiction.code, policy.ages ?? {}, policy.defaultDigitalConsentAge, policy.memberState) };
  }

  async stats(em: EntityManager, args: { from: string; to: string; country?: string | null }): Promise<AgeGateStats> {
    const { from, to } = args;
    if (from > to) throw badInput(`from ${from} is after to ${to}: the period must not end before it starts`, { field: 'from', value: from });
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days > MAX_STATS_DAYS) {
      throw badInput(`from ${from} to ${to} spans ${days} days; ask for at most ${MAX_STATS_DAYS}`, { field: 'to', value: to });
    }
    const country = args.country === null || args.country === undefined ? null : jurisdictionInput(args.country, 'country').code;
    const counts = await this.counters.read(em, { from, to, country });
    const sum = (outcome?: AgeGateOutcome) =>
      counts.filter((row) => !outcome || row.outcome === outcome).reduce((total, row) => total + row.count, 0);
    return {
      from,
      to,
      country,
      counts,
      totals: {
        checks: sum(),
        allowed: sum(AgeGateOutcome.ALLOWED),
        blocked: sum(AgeGateOutcome.BLOCKED),
        parentalConsentRequired: sum(AgeGateOutcome.PARENTAL_CONSENT_REQUIRED),
      },
    };
  }
}

declare module '../common/context' {
  interface RequestServices {
    /** The application's age gate, which holds its counters. */
    ageGate: AgeGateService;
  }
}
