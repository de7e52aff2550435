import type { EntityManager } from '@mikro-orm/postgresql';
import { Country } from '../country/country.entity';
import { exportManifest } from '../manifest/manifest.service';
import { lintMap, type Finding } from './findings.rules';

/** Checks the map in the database against the rules: the `findings` query and `datamap lint` both call this. */
export async function findingsOf(em: EntityManager): Promise<Finding[]> {
  const map = await exportManifest(em);
  const codes = [...new Set(map.processors.flatMap((p) => p.locations.map((l) => l.country)))];
  const countries = codes.length ? await em.find(Country, { code: { $in: codes } }) : [];
  return lintMap(map, new Map(countries.map((c) => [c.code, c])));
}
