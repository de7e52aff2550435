#!/usr/bin/env node
// Compiles only when a source is newer than the last build, so `npm start` and the CLI scripts start at once
// after a restart. `tsc -b` alone would decide the same, but spends a second or more deciding it.
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync, utimesSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const buildInfo = join(root, 'dist', '.tsbuildinfo');
const inputs = ['src', 'bench', 'seeds', 'mikro-orm.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestChange(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

let builtAt = 0;
try {
  builtAt = statSync(buildInfo).mtimeMs;
} catch {
  // never built
}
if (inputs.some((input) => newestChange(join(root, input)) > builtAt)) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // tsc leaves the record alone when only files outside the build changed (tests); mark this check as done.
  const now = new Date();
  utimesSync(buildInfo, now, now);
}
