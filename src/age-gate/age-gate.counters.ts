import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { AgeGateOutcome } from './age-gate-outcome';

export interface AgeGateCountRow {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  country: string;
  outcome: AgeGateOutcome;
  count: number;
}

export interface AgeGateCountFilter {
  from: string;
  to: string;
  /** A country code also matches its subdivisions ("CA" matches "CA-QC"); a subdivision matches itself. */
  country?: string | null;
}

export interface AgeGateCountersOptions {
  /** The application's root EntityManager; the counters fork it for each flush. */
  em: EntityManager;
  registry: Registry;
  logger: Logger;
  flushIntervalMs: number;
}

/** Rows per INSERT: four parameters a row stays far below PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 1000;

const keyOf = (row: Omit<AgeGateCountRow, 'count'>) => `${row.day}|${row.country}|${row.outcome}`;

const byDayCountryOutcome = (a: AgeGateCountRow, b: AgeGateCountRow) =>
  a.day.localeCompare(b.day) || a.country.localeCompare(b.country) || a.outcome.localeCompare(b.outcome);

function addCount(counts: Map<string, AgeGateCountRow>, row: AgeGateCountRow): void {
  const counted = counts.get(keyOf(row));
  if (counted) counted.count += row.count;
  else counts.set(keyOf(row), { ...row });
}

export function matchesCountFilter(row: Omit<AgeGateCountRow, 'count' | 'outcome'>, filter: AgeGateCountFilter): boolean {
  if (row.day < filter.from || row.day > filter.to) return false;
  if (!filter.country) return true;
  return row.country === filter.country || row.country.startsWith(`${filter.country}-`);
}

/**
 * The age gate's only memory of a check: a count per (UTC day, jurisdiction, outcome).
 *
 * A check adds to an in-memory map and to a Prometheus counter, with no database write on its path. A timer
 * (and `stop()` at shutdown) adds the map to the `age_gate_count` table with `count = count + excluded.count`,
 * so any number of instances sum up correctly. Flushes and reads take turns, so a read sees every count of
 * this instance exactly once: either in the table or still in memory.
 */
export class AgeGateCounters {
  private pending = new Map<string, AgeGateCountRow>();
  private turn: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly checks: Counter<'country' | 'outcome'>;

  constructor(private readonly options: AgeGateCountersOptions) {
    this.checks = new Counter({
      name: 'datamap_age_gate_checks_total',
      help: 'Age-gate checks answered by this instance, per jurisdiction and outcome.',
      labelNames: ['country', 'outcome'] as const,
      registers: [options.registry],
    });
  }

  record(country: string, outcome: AgeGateOutcome, now: Date): void {
    addCount(this.pending, { day: now.toISOString().slice(0, 10), country, outcome, count: 1 });
    this.checks.inc({ country, outcome });
  }

  /** Flushes every `flushIntervalMs`; the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch(() => undefined);
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => undefined);
  }

  /** Adds the unflushed counts to the table; returns how many rows it wrote. On failure they stay pending. */
  flush(): Promise<number> {
    return this.inTurn(async () => {
      if (this.pending.size === 0) return 0;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.write(batch);
        return batch.length;
      } catch (error) {
        for (const row of batch) addCount(this.pending, row);
        this.options.logger.error({ err: error, rows: batch.length }, 'could not flush the age-gate counters; they stay in memory');
        throw error;
      }
    });
  }

  /** The flushed counts of every instance plus this instance's unflushed ones, in day, country, outcome order. */
  read(em: EntityManager, filter: AgeGateCountFilter): Promise<AgeGateCountRow[]> {
    return this.inTurn(async () => {
      const stored = await readStoredCounts(em, filter);
      const merged = new Map<string, AgeGateCountRow>();
      for (const row of stored) addCount(merged, row);
      for (const row of this.pending.values()) if (matchesCountFilter(row, filter)) addCount(merged, row);
      return [...merged.values()].sort(byDayCountryOutcome);
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async write(rows: AgeGateCountRow[]): Promise<void> {
    await this.options.em.fork().transactional(async (tx) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
        await tx.execute(
          `insert into age_gate_count (day, country, outcome, count) values ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}
           on conflict (day, country, outcome) do update set count = age_gate_count.count + excluded.count`,
          chunk.flatMap((row) => [row.day, row.country, row.outcome, row.count]),
          'run',
        );
      }
    });
  }
}

async function readStoredCounts(em: EntityManager, filter: AgeGateCountFilter): Promise<AgeGateCountRow[]> {
  const byCountry = filter.country ? 'and (country = ? or country like ?)' : '';
  const rows = await em.execute<{ day: string; country: string; outcome: AgeGateOutcome; count: string }[]>(
    `select to_char(day, 'YYYY-MM-DD') as day, country, outcome, count from age_gate_count
     where day between ? and ? ${byCountry}`,
    [filter.from, filter.to, ...(filter.country ? [filter.country, `${filter.country}-%`] : [])],
  );
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}
