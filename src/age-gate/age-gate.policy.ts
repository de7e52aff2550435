import type { EntityManager } from '@mikro-orm/postgresql';
import type { Jurisdiction } from '../age-policy/jurisdiction';

/** What one check needs from the database: the policy, whether the country exists, and the ages that apply. */
export interface PolicyForCheck {
  minimumAge: number;
  defaultDigitalConsentAge: number;
  parentalGuidanceUntilAge: number;
  countryKnown: boolean;
  /** For a territory of an EEA state (RE, AX): its member state (FR, FI), whose age applies; else null. */
  memberState: string | null;
  /** Ages of digital consent by jurisdiction: at least those of the jurisdiction, its country and member state. */
  ages: Record<string, number> | null;
  /** The law each of those ages comes from, by jurisdiction. */
  sources: Record<string, string | null> | null;
}

/** Where a check gets the policy from; `changed()` is told after a policy change commits in this process. */
export interface AgePolicySource {
  forCheck(em: EntityManager, jurisdiction: Jurisdiction): Promise<PolicyForCheck>;
  changed(): void;
}

const MISSING_POLICY = 'The age policy is missing: start the service with SEED=true to load it';

/**
 * Reads the policy for every check, in one statement: a change made through any instance applies to the very
 * next check on every other one. Used on a PostgreSQL server, where several instances may share the database.
 */
export class PolicyReadPerCheck implements AgePolicySource {
  async forCheck(em: EntityManager, jurisdiction: Jurisdiction): Promise<PolicyForCheck> {
    const [policy] = await em.execute<PolicyForCheck[]>(
      `with c as (select code, member_state_code from country where code = ?),
         d as (select jurisdiction, age, source from digital_consent_age
               where jurisdiction in (?, ?) or jurisdiction = (select member_state_code from c))
       select p.minimum_age as "minimumAge", p.default_digital_consent_age as "defaultDigitalConsentAge",
         p.parental_guidance_until_age as "parentalGuidanceUntilAge",
         exists (select 1 from c) as "countryKnown", (select member_state_code from c) as "memberState",
         (select json_object_agg(d.jurisdiction, d.age) from d) as "ages",
         (select json_object_agg(d.jurisdiction, d.source) from d) as "sources"
       from age_policy p where p.key = 'platform'`,
      [jurisdiction.country, jurisdiction.country, jurisdiction.code],
    );
    if (!policy) throw new Error(MISSING_POLICY);
    return policy;
  }

  changed(): void {
    // Nothing is kept between checks.
  }
}

interface PolicySnapshot {
  policy: Omit<PolicyForCheck, 'countryKnown' | 'memberState' | 'ages' | 'sources'>;
  ages: Record<string, number>;
  sources: Record<string, string | null>;
  /** Every known country code, with its member state for a territory (else null). */
  countries: Map<string, string | null>;
}

async function readSnapshot(em: EntityManager): Promise<PolicySnapshot> {
  const [policy] = await em.execute<PolicySnapshot['policy'][]>(
    `select minimum_age as "minimumAge", default_digital_consent_age as "defaultDigitalConsentAge",
       parental_guidance_until_age as "parentalGuidanceUntilAge" from age_policy where key = 'platform'`,
  );
  if (!policy) throw new Error(MISSING_POLICY);
  const ages = await em.execute<{ jurisdiction: string; age: number; source: string | null }[]>(
    'select jurisdiction, age, source from digital_consent_age',
  );
  const countries = await em.execute<{ code: string; memberState: string | null }[]>(
    'select code, member_state_code as "memberState" from country',
  );
  return {
    policy,
    ages: Object.fromEntries(ages.map((entry) => [entry.jurisdiction, entry.age])),
    sources: Object.fromEntries(ages.map((entry) => [entry.jurisdiction, entry.source])),
    countries: new Map(countries.map((country) => [country.code, country.memberState])),
  };
}

/**
 * Keeps the policy in memory until this process changes it. Exact on embedded PGlite only: that database
 * belongs to this one process, so every policy change goes through it and calls `changed()`, and countries
 * are only loaded at start. A check that starts after a change commits reads the policy afresh.
 */
export class PolicyCachedInProcess implements AgePolicySource {
  private snapshot: Promise<PolicySnapshot> | null = null;

  constructor(private readonly rootEm: EntityManager) {}

  async forCheck(_em: EntityManager, jurisdiction: Jurisdiction): Promise<PolicyForCheck> {
    const { policy, ages, sources, countries } = await this.load();
    const countryKnown = countries.has(jurisdiction.country);
    return { ...policy, countryKnown, memberState: countries.get(jurisdiction.country) ?? null, ages, sources };
  }

  changed(): void {
    this.snapshot = null;
  }

  private load(): Promise<PolicySnapshot> {
    if (!this.snapshot) {
      const loading = readSnapshot(this.rootEm.fork());
      this.snapshot = loading;
      loading.catch(() => {
        if (this.snapshot === loading) this.snapshot = null;
      });
    }
    return this.snapshot;
  }
}
