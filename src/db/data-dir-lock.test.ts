import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertDataDirFree, DataDirLocked, LOCK_FILE, lockDataDir } from './data-dir-lock';

const newDir = () => mkdtempSync(join(tmpdir(), 'datamap-lock-'));
const holderOf = (pid: number) => JSON.stringify({ pid, hostname: hostname(), command: 'node dist/src/main.js' });

/** Another process holding the kernel lock on the directory (it locks as lockDataDir does), until killed. */
function holdInAnotherProcess(dir: string) {
  const script = `
    const { openSync, writeSync, constants } = require('node:fs');
    const fd = openSync(${JSON.stringify(join(dir, LOCK_FILE))}, constants.O_RDWR | constants.O_CREAT, 0o600);
    if (!require('fs-native-extensions').tryLock(fd)) process.exit(3);
    writeSync(fd, ${JSON.stringify(holderOf(4242))}, 0);
    process.stdout.write('locked');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return { child, locked };
}

it('takes a free directory, records this process, and releases it to the next', () => {
  const dir = newDir();
  const lock = lockDataDir(dir, 'test');
  expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, hostname: hostname(), command: 'test' });
  expect(() => lockDataDir(dir)).toThrow(DataDirLocked);
  lock.release();
  lockDataDir(dir, 'next').release();
});

it('refuses a directory another process holds, naming the path and the holder; assertDataDirFree says so too', async () => {
  const dir = newDir();
  const holder = holdInAnotherProcess(dir);
  try {
    await holder.locked;
    const message = `the data directory ${dir} is in use by process 4242 (node dist/src/main.js)`;
    expect(() => lockDataDir(dir)).toThrow(message);
    expect(() => assertDataDirFree(dir)).toThrow(message);
  } finally {
    holder.child.kill('SIGKILL');
  }
});

it('is free again once the holder is killed with SIGKILL, whatever its lock file still says', async () => {
  const dir = newDir();
  const holder = holdInAnotherProcess(dir);
  await holder.locked;
  holder.child.kill('SIGKILL');
  await new Promise((resolve) => holder.child.once('exit', resolve));
  expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(4242);
  assertDataDirFree(dir);
  lockDataDir(dir, 'successor').release();
});

it('does not trust a lock file that names a live process of this host: only the kernel lock counts', () => {
  const dir = newDir();
  // A record is no lock: two PID 1 processes once both took one directory by judging each other's record.
  const live = spawn('sleep', ['30']);
  try {
    writeFileSync(join(dir, LOCK_FILE), holderOf(live.pid!));
    lockDataDir(dir, 'owner').release();
  } finally {
    live.kill();
  }
});

it('treats a directory that does not exist yet as free', () => {
  expect(() => assertDataDirFree(join(newDir(), 'not-yet'))).not.toThrow();
});
