import type { EntityManager } from '@mikro-orm/postgresql';
import jurisdictions from '../../seeds/reference/jurisdictions.json';
import { AgePolicy, DigitalConsentAge } from './age-policy.entity';
import type { Jurisdiction } from './jurisdiction';

/** The law behind one jurisdiction's age: its own source where the reference names one, else GDPR Art. 8. */
export function ageSourceOf(jurisdiction: string): string {
  const { sources, gdprSource } = jurisdictions.digitalConsentAge;
  return Object.hasOwn(sources, jurisdiction) ? sources[jurisdiction as keyof typeof sources] : gdprSource;
}

/** Seeds the age policy once; afterwards it is the privacy officer's data. */
export async function ensureAgePolicy(em: EntityManager): Promise<void> {
  if (await em.findOne(AgePolicy, { key: 'platform' })) return;
  const { digitalConsentAge, platformMinimumAge } = jurisdictions;
  const verified = Object.entries(digitalConsentAge.ages).map(([jurisdiction, age]) => ({ jurisdiction, age, verified: true }));
  const unverified = Object.entries(digitalConsentAge.unverified).map(([jurisdiction, age]) => ({ jurisdiction, age, verified: false }));
  await em.transactional(async (tx) => {
    tx.create(AgePolicy, {
      key: 'platform',
      minimumAge: platformMinimumAge.value,
      defaultDigitalConsentAge: digitalConsentAge.default,
      parentalGuidanceUntilAge: 18,
    });
    for (const entry of [...verified, ...unverified]) tx.create(DigitalConsentAge, { ...entry, source: ageSourceOf(entry.jurisdiction) });
  });
}

/**
 * The law that asks a parent's consent for every processing of a child's data in this jurisdiction, not only for
 * processing on consent: the subdivision's own entry ("CA-QC"), else its country's ("IN" for "IN-MH"); null where
 * GDPR Art. 8 and its likes ask it for processing on consent only.
 */
export function everyActivityLawOf(jurisdiction: Jurisdiction): string | null {
  const { entries } = jurisdictions.digitalConsentAge.everyActivity;
  const has = (code: string | null): code is keyof typeof entries => code !== null && Object.hasOwn(entries, code);
  if (has(jurisdiction.subdivision)) return entries[jurisdiction.subdivision];
  return has(jurisdiction.country) ? entries[jurisdiction.country] : null;
}
