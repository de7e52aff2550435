import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The file in a data directory that names the process owning it. */
export const LOCK_FILE = 'datamap.lock';

/** Who holds a data directory, as its lock file records it. */
export interface LockHolder {
  pid: number;
  /** The holder's start time in clock ticks since boot (Linux), so a recycled PID is not mistaken for it. */
  startTicks: number | null;
  hostname: string;
  command: string;
}

export class DataDirLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the data directory ${dataDir} is in use by process ${holder.pid} (${holder.command}). ` +
        'Embedded PGlite allows one process per data directory: stop that process, or reach the running service ' +
        'instead (CLI: set DATAMAP_URL=http://<host>:<port> and DATAMAP_TOKEN, or pass --url).',
    );
  }
}

export interface DataDirLock {
  release(): void;
}

/** The start time of a process in clock ticks since boot, from /proc; null where /proc is not available. */
function startTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.pid <= 0) return false;
  if (holder.hostname !== hostname()) return true; // another machine's process: cannot tell, so never steal
  if (holder.pid === process.pid) return false; // a previous life of this PID, as PID 1 in a restarted container
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const ticks = startTicksOf(holder.pid);
  return holder.startTicks === null || ticks === null || ticks === holder.startTicks;
}

function readHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Lock files are linked into place complete, so one that does not parse was damaged: nobody holds it.
    return { pid: 0, startTicks: null, hostname: hostname(), command: 'unknown' };
  }
}

function tryLink(source: string, target: string): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function unlinkIfPresent(file: string) {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Throws DataDirLocked when a live process holds the data directory, and takes nothing. A process checks this
 * before it loads the rest of the service, so that a second one is told at once instead of after seconds of
 * start-up; `lockDataDir` still decides.
 */
export function assertDataDirFree(dataDir: string): void {
  const holder = readHolder(join(dataDir, LOCK_FILE));
  if (holder && isAlive(holder)) throw new DataDirLocked(dataDir, holder);
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes the data directory for this process alone, or throws DataDirLocked naming the process that has it.
 *
 * The lock is a file holding the owner's PID, its start time and host. It is written complete under a temporary name
 * and hard-linked into place: link fails when the name exists, so exactly one process wins. A lock whose process is
 * gone, as after `kill -9`, is removed only by the process holding a second such file (`datamap.lock.takeover`), which
 * checks again that the lock is stale before removing it; so two processes starting at once never both win.
 *
 * proper-lockfile was considered and not used: it records no PID, and judges staleness by an mtime it refreshes on a
 * timer, so a restart right after a crash would wait out the stale period, and a busy event loop (PGlite runs on it)
 * would see its own lock "compromised".
 */
export function lockDataDir(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const takeover = `${file}.takeover`;
  const me: LockHolder = { pid: process.pid, startTicks: startTicksOf(process.pid), hostname: hostname(), command };
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (tryLink(draft, file)) {
        return {
          release() {
            if (readHolder(file)?.pid === process.pid) unlinkIfPresent(file);
          },
        };
      }
      const holder = readHolder(file);
      if (holder && isAlive(holder)) throw new DataDirLocked(dataDir, holder);
      if (tryLink(draft, takeover)) {
        try {
          const stale = readHolder(file);
          if (stale && !isAlive(stale)) unlinkIfPresent(file);
        } finally {
          unlinkSync(takeover);
        }
      } else {
        const taking = readHolder(takeover);
        if (taking && !isAlive(taking)) unlinkIfPresent(takeover); // died while taking over
        else sleepSync(50); // another process is taking over: its lock will be there when we look again
      }
    }
    throw new DataDirLocked(dataDir, readHolder(file) ?? { pid: 0, startTicks: null, hostname: hostname(), command: 'unknown' });
  } finally {
    unlinkIfPresent(draft);
  }
}
