import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { releaseAsyncContextWhenIdle } from './async-context';

/** Node 20 keeps this flag on the instance; it is what decides whether promise hooks stay installed. */
const enabled = (storage: AsyncLocalStorage<unknown>) => (storage as unknown as { enabled: boolean }).enabled;

describe('releaseAsyncContextWhenIdle', () => {
  beforeAll(() => releaseAsyncContextWhenIdle());

  it('keeps the store of a run in progress while another settles, and disables the storage once none runs', async () => {
    const storage = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const slow = storage.run('slow', async () => {
      await sleep(30);
      seen.push(storage.getStore());
      await sleep(1);
      seen.push(storage.getStore());
    });
    const quick = storage.run('quick', async () => {
      await sleep(1);
      seen.push(storage.getStore());
    });
    await quick;
    expect(enabled(storage)).toBe(true);
    await slow;
    expect(seen).toEqual(['quick', 'slow', 'slow']);
    await Promise.resolve();
    expect(enabled(storage)).toBe(false);
    expect(storage.getStore()).toBeUndefined();
  });

  it('enables the storage again for the next run, and releases it when a run throws', async () => {
    const storage = new AsyncLocalStorage<number>();
    await storage.run(1, async () => undefined);
    await Promise.resolve();
    expect(enabled(storage)).toBe(false);
    expect(await storage.run(2, async () => storage.getStore())).toBe(2);
    expect(() => storage.run(3, () => {
      throw new Error('refused');
    })).toThrow('refused');
    await Promise.resolve();
    expect(enabled(storage)).toBe(false);
  });
});
