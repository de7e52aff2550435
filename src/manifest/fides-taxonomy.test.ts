import { AdequacyScope } from '../country/country.entity';
import { fidesKey, fidesTaxonomyManifest } from './fides-taxonomy';
import { checkManifest, offlineKeys } from './manifest.service';

describe('the Fides taxonomy', () => {
  it('maps a Fides key under the fides. prefix, with hyphens for underscores', () => {
    expect(fidesKey('user.contact.email')).toBe('fides.user.contact.email');
    expect(fidesKey('analytics.reporting.ad_performance')).toBe('fides.analytics.reporting.ad-performance');
  });

  const manifest = fidesTaxonomyManifest();

  it('reads the vendored files: 85 categories, 54 data uses and 15 subjects, each hierarchy under a fides root', () => {
    expect(manifest.dataCategories).toHaveLength(86);
    expect(manifest.purposes).toHaveLength(55);
    expect(manifest.dataSubjectTypes).toHaveLength(15);
    expect(manifest.dataCategories.find((c) => c.key === 'fides.user.contact.email')).toMatchObject({ name: 'User Contact Email' });
    expect(manifest.dataSubjectTypes.map((s) => s.key)).toContain('fides.customer');
  });

  it('uses only keys under the prefix, so it cannot overwrite the map’s own', () => {
    const keys = [...manifest.dataCategories, ...manifest.purposes, ...manifest.dataSubjectTypes].map((e) => e.key);
    expect(keys.filter((key) => key !== 'fides' && !key.startsWith('fides.'))).toEqual([]);
  });

  it('is a valid manifest on its own: every parent is in it', async () => {
    const check = await checkManifest(manifest, offlineKeys(null, [{ code: 'DE', inEEA: true, adequacy: AdequacyScope.NONE }]));
    expect(check.problems).toEqual([]);
  });
});
