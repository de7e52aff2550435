import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir, type DataDirLock } from './data-dir-lock';

export interface EmbeddedPostgres {
  /**
   * A postgres:// URL that the stock driver connects to: a Unix socket named by the `host` parameter, as libpq
   * writes it (`postgres://postgres@localhost/postgres?host=/dir`). No TCP port is opened.
   */
  url: string;
  stop(): Promise<void>;
}

/** The port in the socket's name (`.s.PGSQL.5432`): PostgreSQL clients look for this one in the socket directory. */
const SOCKET_PORT = 5432;
/**
 * PostgreSQL's buffer cache inside PGlite's WASM memory, which never shrinks. The default (128MB) is most of an idle
 * service's memory, while an embedded map of thousands of entries fits in a fraction of it and PostgreSQL reads the
 * rest through the operating system's page cache. A map that needs more belongs on a PostgreSQL server.
 */
const EMBEDDED_SHARED_BUFFERS = '8MB';

/** sun_path holds 108 bytes on Linux, the last one a NUL. */
const MAX_SOCKET_PATH = 107;

/** Whether `dir` is a real directory (no link) of this user that no one else may enter. */
function isOwnPrivateDirectory(dir: string): boolean {
  const stat = lstatSync(dir);
  return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o077) === 0;
}

/**
 * A directory only this user can enter (0700), for the socket: inside the data directory when its path is short
 * enough. Otherwise a directory under the temporary directory named after the data directory's path, so that the
 * next start (which holds the same data-directory lock) reuses what a crash left there instead of leaving one more
 * behind each time; should someone else hold that name, a fresh private temporary directory. An in-memory database
 * gets a fresh one.
 */
function socketDirectory(dataDir?: string): { dir: string; temporary: boolean } {
  const inside = dataDir && join(dataDir, 'run');
  if (inside && join(inside, `.s.PGSQL.${SOCKET_PORT}`).length <= MAX_SOCKET_PATH) {
    mkdirSync(inside, { recursive: true, mode: 0o700 });
    chmodSync(inside, 0o700);
    return { dir: inside, temporary: false };
  }
  if (dataDir) {
    const named = join(tmpdir(), `datamap-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)}`);
    try {
      mkdirSync(named, { mode: 0o700 });
      return { dir: named, temporary: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && isOwnPrivateDirectory(named)) return { dir: named, temporary: true };
    }
  }
  return { dir: mkdtempSync(join(tmpdir(), 'datamap-')), temporary: true };
}

/**
 * Starts PGlite (PostgreSQL compiled to WASM) and serves it on a Unix socket that only this user can reach, so the
 * stock MikroORM PostgreSQL driver talks to it as to any server. PGlite runs one session, so clients use a pool of 1.
 *
 * With a data directory, this process takes it for itself first (see lockDataDir): a second process on the same
 * files would corrupt them.
 *
 * @param dataDir where the database files live; undefined keeps them in memory.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  let lock: DataDirLock | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    lock = lockDataDir(dataDir);
  }
  const socket = socketDirectory(dataDir);
  const path = join(socket.dir, `.s.PGSQL.${SOCKET_PORT}`);
  rmSync(path, { force: true }); // left by a process that was killed; the lock says nobody else uses it
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] });
    const server = new PGLiteSocketServer({ db, path, maxConnections: 8 });
    await server.start();
    return {
      url: `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socket.dir)}`,
      async stop() {
        try {
          await server.stop();
          await db?.close();
        } finally {
          rmSync(socket.temporary ? socket.dir : path, { recursive: true, force: true });
          lock?.release();
        }
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    if (socket.temporary) rmSync(socket.dir, { recursive: true, force: true });
    lock?.release();
    throw error;
  }
}
