import { AsyncLocalStorage } from 'node:async_hooks';

const INSTALLED = Symbol.for('datamap.asyncContextReleasedWhenIdle');

/**
 * Turns Node's async context tracking off whenever no `AsyncLocalStorage.run()` is in progress.
 *
 * On Node 20, an AsyncLocalStorage turns on promise hooks at its first `run()` and leaves them on for the life of the
 * process: from then on every promise of every request pays for context propagation, and the read path (graphql-js
 * makes promises per field) ran 18-29% slower in the benchmark. MikroORM runs its flushes and transactions inside
 * `run()` and needs no context once they settle; reads need none at all. So runs are counted, and when the last one
 * has settled every storage seen is disabled: the next `run()` enables it again. Nothing here uses `enterWith()`,
 * whose context has no end to wait for. (Node 24's AsyncContextFrame makes this unnecessary.)
 */
export function releaseAsyncContextWhenIdle(): void {
  const prototype = AsyncLocalStorage.prototype as AsyncLocalStorage<unknown> & { [INSTALLED]?: true };
  if (prototype[INSTALLED]) return;
  prototype[INSTALLED] = true;
  const storages = new Set<AsyncLocalStorage<unknown>>();
  let running = 0;
  const settled = () => {
    running -= 1;
    if (running === 0) for (const storage of storages) storage.disable();
  };
  const run = prototype.run;
  prototype.run = function runCounted<R>(this: AsyncLocalStorage<unknown>, store: unknown, callback: (...args: unknown[]) => R, ...args: unknown[]): R {
    storages.add(this);
    running += 1;
    let result: R;
    try {
      result = run.call(this, store, callback, ...args) as R;
    } catch (error) {
      settled();
      throw error;
    }
    // A thenable from any realm (Jest runs modules in a VM context of their own).
    if (typeof (result as { then?: unknown } | null)?.then === 'function') (result as PromiseLike<unknown>).then(settled, settled);
    else settled();
    return result;
  } as typeof prototype.run;
}
