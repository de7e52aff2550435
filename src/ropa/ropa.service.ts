import type { EntityManager } from '@mikro-orm/postgresql';
import { exportMapWithCountries } from '../manifest/manifest.service';
import { buildRopa, type Ropa } from './ropa';

/** The record of processing as the database holds it: `datamap ropa` and `GET /ropa.csv` both call this. */
export async function ropaOf(em: EntityManager): Promise<Ropa> {
  const { map, countries } = await exportMapWithCountries(em);
  return buildRopa(map, countries);
}
