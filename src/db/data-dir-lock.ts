import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tryLock } from 'fs-native-extensions';

/** The file in a data directory that the owning process holds a kernel lock on, and that names it. */
export const LOCK_FILE = 'datamap.lock';

/** Who holds a data directory, as its lock file records it: for the message only, the kernel lock decides. */
export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
}

export class DataDirLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      `the data directory ${dataDir} is in use by ${holder ? `process ${holder.pid} (${holder.command})` : 'another process'}. ` +
        'Embedded PGlite allows one process per data directory: stop that process, or reach the running service ' +
        'instead (CLI: set DATAMAP_URL=http://<host>:<port> and DATAMAP_TOKEN, or pass --url).',
    );
  }
}

export interface DataDirLock {
  release(): void;
}

function readHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    // Not written yet by a holder that has just taken it, or damaged: the kernel lock still decides.
    return null;
  }
}

/**
 * Opens the lock file and asks the kernel for an exclusive lock on it without waiting: the open file if granted,
 * else null. The lock is an open file description lock (fcntl F_OFD_SETLK on Linux, through fs-native-extensions):
 * it belongs to this open file, not to a PID, so processes in other PID namespaces (two containers' PID 1 on one
 * volume) see it, and the kernel drops it when the process ends in any way, `kill -9` included.
 */
function tryLockFile(file: string): number | null {
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    if (tryLock(fd)) return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  return null;
}

/**
 * Throws DataDirLocked when another process holds the data directory, and keeps nothing. A process checks this
 * before it loads the rest of the service, so that a second one is told at once instead of after seconds of
 * start-up; `lockDataDir` still decides.
 */
export function assertDataDirFree(dataDir: string): void {
  const file = join(dataDir, LOCK_FILE);
  let fd: number | null;
  try {
    fd = tryLockFile(file);
  } catch (error) {
    // No data directory yet: nobody holds it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (fd === null) throw new DataDirLocked(dataDir, readHolder(file));
  closeSync(fd);
}

/**
 * Takes the data directory for this process alone, or throws DataDirLocked naming the process that has it.
 *
 * The kernel decides (see `tryLockFile`); the lock is held for the life of the process, or until `release`. The
 * file is never removed: a process that removed it while another waited to open it would let a third lock a new
 * file of the same name. Its text names the holder (PID, host, command) for the message a second process prints.
 * This replaces a lock file judged by the liveness of the PID it named, which two PID 1 processes of the same host
 * name (containers with `--network host` or a fixed hostname) both took as their own.
 */
export function lockDataDir(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const fd = tryLockFile(file);
  if (fd === null) throw new DataDirLocked(dataDir, readHolder(file));
  const me: LockHolder = { pid: process.pid, hostname: hostname(), command };
  ftruncateSync(fd, 0);
  writeSync(fd, JSON.stringify(me), 0);
  let held = true;
  return {
    release() {
      // Closing the file releases the lock; the text stays until the next holder writes its own.
      if (held) closeSync(fd);
      held = false;
    },
  };
}
