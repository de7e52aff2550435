import type { EntityManager } from '@mikro-orm/postgresql';
import { Regime } from '../country/regime';
import { EU_JUDGING, factsKey, hopDestinations, type FlowJudging } from './data-flow.rules';
import { regimeFactsStatement, type LocationRow, type RegimeFacts } from './data-flow.sql';

/** The destinations a list's rows name: a flow's every hop along its chain. */
type Destinations = readonly Parameters<typeof hopDestinations>[0][];

/** How a list of flows gets its judging once its rows are read: given the destinations the rows name. */
export type JudgingOf = (rows: Destinations) => Promise<FlowJudging>;

/**
 * The judging of every list of flows in one request under one regime. The EU GDPR reads its facts with the flows,
 * and a person under no regime is not judged, so neither reads anything. Another regime's facts are read in one
 * statement for the request, for the destinations its lists' rows name: each list joins before it reads its rows
 * (the sibling lists of a query all start before any rows arrive), gives its rows' destinations (none, when its
 * read fails), and the facts are read once every list that joined has given its own.
 */
export class RequestJudging {
  private batch: FactsBatch | null = null;

  constructor(
    private readonly em: EntityManager,
    readonly regime: Regime | null,
    /** Under no regime: the person's country (see `FlowJudging.home`). */
    private readonly home?: string,
  ) {}

  /** Call when a list starts, before awaiting anything; call what it returns exactly once, with the list's rows. */
  join(): JudgingOf {
    const { regime } = this;
    if (regime === Regime.EU_GDPR) return async () => EU_JUDGING;
    if (regime === null) {
      const judging: FlowJudging = { regime, home: this.home };
      return async () => judging;
    }
    // A list that starts after the facts were sent for (a later part of the request) starts a batch of its own.
    if (!this.batch || this.batch.closed) this.batch = new FactsBatch(this.em, regime);
    const give = this.batch.join();
    return async (rows) => ({ regime, facts: await give(rows) });
  }
}

class FactsBatch {
  private expected = 0;
  private given = 0;
  private readonly processors: string[] = [];
  private readonly countries: string[] = [];
  private readonly seen = new Set<string>();
  /** True once every list has given its destinations and the facts are being read. */
  closed = false;
  private release!: () => void;
  private readonly read: Promise<ReadonlyMap<string, RegimeFacts>>;

  constructor(
    private readonly em: EntityManager,
    private readonly regime: Regime,
  ) {
    this.read = new Promise<void>((resolve) => (this.release = resolve)).then(() => this.readFacts());
    // A list whose own read failed waits for nothing; the others see the failure through their own await.
    this.read.catch(() => undefined);
  }

  join(): (rows: Destinations) => Promise<ReadonlyMap<string, RegimeFacts>> {
    this.expected += 1;
    return (rows) => {
      this.given += 1;
      for (const row of rows.flatMap(hopDestinations)) {
        const key = factsKey(row.processorKey, row.destinationCode);
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.processors.push(row.processorKey);
        this.countries.push(row.destinationCode);
      }
      // After the current macrotask, so that a sibling list started meanwhile can still join this batch.
      if (this.given === this.expected) {
        setImmediate(() => {
          if (this.closed || this.given !== this.expected) return;
          this.closed = true;
          this.release();
        });
      }
      return this.read;
    };
  }

  private async readFacts(): Promise<ReadonlyMap<string, RegimeFacts>> {
    if (this.processors.length === 0) return new Map();
    const { sql, params } = regimeFactsStatement(this.regime, { processors: this.processors, countries: this.countries });
    const rows = await this.em.getConnection().execute<RegimeFacts[]>(sql, params, 'all', this.em.getTransactionContext());
    return new Map(rows.map((row) => [factsKey(row.processorKey, row.destinationCode), row]));
  }
}
