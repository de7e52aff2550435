type Reads = readonly (() => Promise<unknown>)[];

/** What each read gives, in the order of the reads. */
export type ReadResults<R extends Reads> = { -readonly [K in keyof R]: R[K] extends () => Promise<infer T> ? T : never };

/**
 * Runs independent reads and gives their results in order: all at once outside a transaction, where each takes a
 * connection of the pool; one after another inside one, whose single connection would otherwise get them queued on
 * one pg client, which pg 8 warns about and pg 9 refuses.
 */
export async function readTogether<const R extends Reads>(em: { getTransactionContext(): unknown }, reads: R): Promise<ReadResults<R>> {
  if (!em.getTransactionContext()) return (await Promise.all(reads.map((read) => read()))) as ReadResults<R>;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as ReadResults<R>;
}
