import type { EntityManager } from '@mikro-orm/postgresql';
import { utcDate } from '../common/calendar-date';
import { DEFAULT_TRANSFER_SETTINGS, type TransferSettings } from '../common/context';
import { Regime } from '../country/regime';
import { exportMapWithCountries } from '../manifest/manifest.service';
import { loadTransferRecords } from '../processor/transfer-impact-assessment.service';
import { buildRopa, type Ropa } from './ropa';

/**
 * The record of processing under a regime as the database holds it, its transfers judged on `now`'s date:
 * `datamap ropa` and `GET /ropa.csv` both call this.
 */
export async function ropaOf(
  em: EntityManager,
  { regime = Regime.EU_GDPR, now = new Date(), settings = DEFAULT_TRANSFER_SETTINGS }: { regime?: Regime; now?: Date; settings?: TransferSettings } = {},
): Promise<Ropa> {
  const [{ map, countries }, records] = await Promise.all([exportMapWithCountries(em), loadTransferRecords(em)]);
  return buildRopa(map, countries, { regime, today: utcDate(now), dpfGraceDays: settings.dpfGraceDays, records });
}
