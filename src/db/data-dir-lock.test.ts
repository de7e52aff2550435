import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLocked, LOCK_FILE, lockDataDir } from './data-dir-lock';

const newDir = () => mkdtempSync(join(tmpdir(), 'datamap-lock-'));
const lockAs = (dir: string, pid: number) =>
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, startTicks: null, hostname: hostname(), command: 'node dist/src/main.js' }));

it('takes a free directory, records this process, and releases it', () => {
  const dir = newDir();
  const lock = lockDataDir(dir, 'test');
  expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'test' });
  lock.release();
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
});

it('refuses a directory that a live process holds, naming the path and the PID', () => {
  const dir = newDir();
  const holder = spawn('sleep', ['30']);
  try {
    lockAs(dir, holder.pid!);
    expect(() => lockDataDir(dir)).toThrow(DataDirLocked);
    expect(() => lockDataDir(dir)).toThrow(`the data directory ${dir} is in use by process ${holder.pid} (node dist/src/main.js)`);
  } finally {
    holder.kill();
  }
});

it('takes over the lock of a process that is gone, as after kill -9', () => {
  const dir = newDir();
  const gone = spawnSync('true').pid;
  lockAs(dir, gone);
  lockDataDir(dir, 'successor').release();
});

it('takes over a lock whose PID was reused by another process since', () => {
  const dir = newDir();
  const holder = spawn('sleep', ['30']);
  try {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, startTicks: 1, hostname: hostname(), command: 'old' }));
    lockDataDir(dir, 'successor').release();
  } finally {
    holder.kill();
  }
});
