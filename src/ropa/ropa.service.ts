import type { EntityManager } from '@mikro-orm/postgresql';
import { utcDate } from '../common/calendar-date';
import { DEFAULT_TRANSFER_SETTINGS, type TransferSettings } from '../common/context';
import { Regime } from '../country/regime';
import { readRows, timestampOf } from '../db/rows';
import { exportMapWithCountries } from '../manifest/manifest.service';
import { loadTransferRecords } from '../processor/transfer-impact-assessment.service';
import { buildRopa, type Ropa, type UpcomingRecipients } from './ropa';

/** Recipients and countries still in their notice period, by the database's clock (as the flows decide it). */
async function upcomingRecipients(em: EntityManager): Promise<UpcomingRecipients> {
  const rows = await readRows<{ processor: string; country: string | null; effectiveFrom: Date | string }>(
    em,
    `select key as processor, null as country, effective_from as "effectiveFrom" from processor where effective_from > now()
     union all
     select processor_key, country_code, effective_from from processing_location where effective_from > now()`,
  );
  const day = (value: Date | string) => (value instanceof Date ? value : timestampOf(value)).toISOString().slice(0, 10);
  return {
    processors: new Map(rows.filter((row) => row.country === null).map((row) => [row.processor, day(row.effectiveFrom)])),
    locations: new Map(rows.filter((row) => row.country !== null).map((row) => [`${row.processor}|${row.country}`, day(row.effectiveFrom)])),
  };
}

/**
 * The record of processing under a regime as the database holds it, its transfers judged on `now`'s date:
 * `datamap ropa` and `GET /ropa.csv` both call this.
 */
export async function ropaOf(
  em: EntityManager,
  { regime = Regime.EU_GDPR, now = new Date(), settings = DEFAULT_TRANSFER_SETTINGS }: { regime?: Regime; now?: Date; settings?: TransferSettings } = {},
): Promise<Ropa> {
  const [{ map, countries }, records, upcoming] = await Promise.all([exportMapWithCountries(em), loadTransferRecords(em), upcomingRecipients(em)]);
  return buildRopa(map, countries, { regime, today: utcDate(now), dpfGraceDays: settings.dpfGraceDays, records, upcoming });
}
