import type { EntityManager } from '@mikro-orm/postgresql';
import { jurisdictionInput, unknownCountryMessage, type Jurisdiction } from '../age-policy/jurisdiction';
import { badInput } from '../common/errors';
import { AgeInputError, computeAge, decideAge, resolveDigitalConsentAge } from './age';
import type { AgeGateCounters } from './age-gate.counters';
import { AgeGateOutcome } from './age-gate-outcome';
import { AgeGateReason, type AgeGateInput, type AgeGateResult, type AgeGateStats } from './age-gate.types';

/** Longest period `ageGateStats` answers for, so that a dashboard query stays bounded. */
export const MAX_STATS_DAYS = 366;

interface PolicyForCheck {
  minimumAge: number;
  defaultDigitalConsentAge: number;
  parentalGuidanceUntilAge: number;
  countryKnown: boolean;
  /** The entries of the jurisdiction and of its country, keyed by jurisdiction; null when neither has one. */
  ages: Record<string, number> | null;
}

/**
 * The policy a check needs, in one statement, read for every check: a change made through any instance
 * applies to the very next check on every other one, which no per-instance cache could promise.
 */
async function readPolicyFor(em: EntityManager, jurisdiction: Jurisdiction): Promise<PolicyForCheck> {
  const [policy] = await em.execute<PolicyForCheck[]>(
    `select p.minimum_age as "minimumAge", p.default_digital_consent_age as "defaultDigitalConsentAge",
       p.parental_guidance_until_age as "parentalGuidanceUntilAge",
       exists (select 1 from country c where c.code = ?) as "countryKnown",
       (select json_object_agg(d.jurisdiction, d.age) from digital_consent_age d where d.jurisdiction in (?, ?)) as "ages"
     from age_policy p where p.key = 'platform'`,
    [jurisdiction.country, jurisdiction.country, jurisdiction.code],
  );
  if (!policy) throw new Error('The age policy is missing: start the service with SEED=true to load it');
  return policy;
}

function outcomeOf(result: Pick<AgeGateResult, 'allowed' | 'parentalConsentRequired'>): AgeGateOutcome {
  if (!result.allowed) return AgeGateOutcome.BLOCKED;
  return result.parentalConsentRequired ? AgeGateOutcome.PARENTAL_CONSENT_REQUIRED : AgeGateOutcome.ALLOWED;
}

/** A birth date or time zone the caller got wrong becomes BAD_USER_INPUT naming the field; anything else is a bug. */
function asBadInput(error: unknown): never {
  if (error instanceof AgeInputError) throw badInput(error.message, { field: `input.${error.field}`, value: error.value });
  throw error;
}

/**
 * Answers whether someone may sign up. The birth date lives only in this call's memory: it is not written,
 * logged or sent to the database; the only trace of a check is one more count in the counters.
 */
export class AgeGateService {
  constructor(
    private readonly counters: AgeGateCounters,
    private readonly clock: () => Date,
  ) {}

  async check(em: EntityManager, input: AgeGateInput): Promise<AgeGateResult> {
    const now = this.clock();
    let age: number;
    try {
      age = computeAge({ birthDate: input.birthDate, timeZone: input.timeZone, now }).age;
    } catch (error) {
      asBadInput(error);
    }
    const jurisdiction = jurisdictionInput(input.country, 'input.country');
    const policy = await readPolicyFor(em, jurisdiction);
    if (!policy.countryKnown) {
      throw badInput(unknownCountryMessage('country', jurisdiction), { field: 'input.country', value: input.country });
    }
    const digitalConsentAge = resolveDigitalConsentAge(jurisdiction.code, policy.ages ?? {}, policy.defaultDigitalConsentAge).age;
    const decision = decideAge({ age, digitalConsentAge, ...policy });
    const result: AgeGateResult = {
      age,
      minimumAge: policy.minimumAge,
      digitalConsentAge,
      ...decision,
      reason: decision.reason && AgeGateReason[decision.reason],
    };
    this.counters.record(jurisdiction.code, outcomeOf(result), now);
    return result;
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
