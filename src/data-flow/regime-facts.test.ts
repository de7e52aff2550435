import type { EntityManager } from '@mikro-orm/postgresql';
import { Regime } from '../country/regime';
import { RequestJudging } from './regime-facts';

/** An entity manager that answers the facts statement with one row per destination asked, and records each call. */
function fakeEm() {
  const calls: { processors: string; countries: string }[] = [];
  const em = {
    getTransactionContext: () => undefined,
    getConnection: () => ({
      execute: async (_sql: string, params: unknown[]) => {
        const [processors, countries] = params as [string, string];
        calls.push({ processors, countries });
        const split = (array: string) => array.slice(1, -1).split(',').map((value) => value.replaceAll('"', ''));
        return split(processors).map((processorKey, i) => ({ processorKey, destinationCode: split(countries)[i], mechanism: null }));
      },
    }),
  } as unknown as EntityManager;
  return { em, calls };
}

const row = (processorKey: string, destinationCode = 'US') => ({ processorKey, destinationCode });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RequestJudging', () => {
  it('reads the facts of every list of a request in one statement, once the last list has given its rows', async () => {
    const { em, calls } = fakeEm();
    const judging = new RequestJudging(em, Regime.UK_GDPR);
    const flows = judging.join();
    const excluded = judging.join();
    const first = flows([row('aws'), row('stripe')]);
    await tick();
    await tick();
    expect(calls).toEqual([]);
    const second = excluded([row('stripe'), row('paypal')]);
    const [a, b] = await Promise.all([first, second]);
    expect(calls).toEqual([{ processors: '{"aws","stripe","paypal"}', countries: '{"US","US","US"}' }]);
    expect(a.facts).toBe(b.facts);
    expect([...a.facts!.keys()]).toEqual(['aws|US', 'stripe|US', 'paypal|US']);
  });

  it('lets a list that starts later in the request read on its own, and a list whose read failed wait for nothing', async () => {
    const { em, calls } = fakeEm();
    const judging = new RequestJudging(em, Regime.SWISS_FADP);
    const failed = judging.join();
    const page = judging.join();
    // The list whose read failed gives no rows and does not wait (see judgedRows).
    void failed([]);
    await page([row('aws')]);
    await judging.join()([row('zendesk')]);
    expect(calls.map((call) => call.processors)).toEqual(['{"aws"}', '{"zendesk"}']);
  });

  it('reads nothing under the EU GDPR or under no regime', async () => {
    const { em, calls } = fakeEm();
    expect(await new RequestJudging(em, Regime.EU_GDPR).join()([row('aws')])).toEqual({ regime: Regime.EU_GDPR });
    expect(await new RequestJudging(em, null, 'US').join()([row('aws')])).toEqual({ regime: null, home: 'US' });
    expect(calls).toEqual([]);
  });
});
