import { setTimeout as sleep } from 'node:timers/promises';
import { readTogether } from './read-together';

/** Reads that log when they start and end, the first one the slowest, so an overlap shows in the log. */
function loggedReads(log: string[]) {
  const read = <T>(name: string, ms: number, value: T) => async () => {
    log.push(`start ${name}`);
    await sleep(ms);
    log.push(`end ${name}`);
    return value;
  };
  return [read('a', 20, 1), read('b', 1, 'two'), read('c', 5, [3])] as const;
}

describe('readTogether', () => {
  it('starts every read at once outside a transaction, and gives the results in order', async () => {
    const log: string[] = [];
    const [a, b, c] = await readTogether({ getTransactionContext: () => undefined }, loggedReads(log));
    expect([a, b, c]).toEqual([1, 'two', [3]]);
    expect(log.slice(0, 3)).toEqual(['start a', 'start b', 'start c']);
  });

  it('starts each read after the one before it ended inside a transaction, and gives the results in order', async () => {
    const log: string[] = [];
    const results = await readTogether({ getTransactionContext: () => ({ transaction: true }) }, loggedReads(log));
    expect(results).toEqual([1, 'two', [3]]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('stops at the first read that fails inside a transaction', async () => {
    const later = jest.fn(async () => 2);
    const reads = [async () => Promise.reject(new Error('refused')), later] as const;
    await expect(readTogether({ getTransactionContext: () => ({}) }, reads)).rejects.toThrow('refused');
    expect(later).not.toHaveBeenCalled();
  });
});
