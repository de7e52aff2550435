import { createReadStream } from 'node:fs';
import type { ExtractedItem, ReadResult } from './evidence-file';
import { readJsonEntries } from './json-stream';

/** The sections of package.json whose packages ship with the software; devDependencies do not. */
const SHIPPED = ['dependencies', 'optionalDependencies', 'peerDependencies'];

/** `"pay": "npm:stripe@^14"` installs stripe under another name: the package is stripe. */
function aliased(name: string, range: unknown): string {
  const alias = typeof range === 'string' ? /^npm:((?:@[^/@]+\/)?[^@]+)/.exec(range) : null;
  return alias ? alias[1] : name;
}

/** package.json: the packages it depends on to run, each with the line it is declared on. */
export async function readPackageJson(file: string, path: string): Promise<ReadResult> {
  const items: ExtractedItem[] = [];
  await readJsonEntries(file, createReadStream(path), SHIPPED.map((section) => `$.${section}.*`), ({ path: [, name], value, line }) => {
    items.push({ ecosystem: 'npm', package: aliased(name, value), file, line: line ?? undefined, tool: 'npm' });
  });
  return { items };
}

/** The package a lockfile `packages` path installs: `node_modules/a/node_modules/@b/c` -> `@b/c`; null for the project and its workspaces. */
function installedName(path: string, entry: Record<string, unknown>): string | null {
  const at = path.lastIndexOf('node_modules/');
  if (at === -1) return null;
  return typeof entry.name === 'string' ? entry.name : path.slice(at + 'node_modules/'.length);
}

/**
 * package-lock.json (or npm-shrinkwrap.json), read as a stream: every installed package that is not a dev
 * dependency, with the line of its entry. Lockfile v2 and v3 list them under `packages`; v1 nests them under
 * `dependencies`, which is read only when there is no `packages`.
 */
export function readPackageLock(file: string, path: string): Promise<ReadResult> {
  return readPackageLockFrom(file, createReadStream(path, { highWaterMark: 64 * 1024 }));
}

/** The same, from chunks of the file as they come. */
export async function readPackageLockFrom(file: string, chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<ReadResult> {
  const fromPackages = new Map<string, ExtractedItem>();
  const fromDependencies = new Map<string, ExtractedItem>();
  let lockfileVersion: unknown;
  const visitV1 = (name: string, entry: Record<string, unknown>, line: number | null) => {
    if (entry.dev !== true && !fromDependencies.has(name)) {
      fromDependencies.set(name, { ecosystem: 'npm', package: aliased(name, entry.version), file, line: line ?? undefined, tool: 'npm' });
    }
    const nested = entry.dependencies;
    if (nested && typeof nested === 'object') {
      for (const [child, value] of Object.entries(nested)) if (value && typeof value === 'object') visitV1(child, value as Record<string, unknown>, line);
    }
  };
  await readJsonEntries(file, chunks, ['$.lockfileVersion', '$.packages.*', '$.dependencies.*'], ({ path: keys, value, line }) => {
    if (keys[0] === 'lockfileVersion') {
      lockfileVersion = value;
      return;
    }
    if (!value || typeof value !== 'object') return;
    const entry = value as Record<string, unknown>;
    if (keys[0] === 'dependencies') return visitV1(keys[1], entry, line);
    const name = installedName(keys[1], entry);
    if (!name || entry.dev === true || entry.link === true || fromPackages.has(name)) return;
    fromPackages.set(name, { ecosystem: 'npm', package: name, file, line: line ?? undefined, tool: 'npm' });
  });
  const toolVersion = lockfileVersion === undefined ? undefined : `lockfileVersion ${String(lockfileVersion)}`;
  const items = [...(fromPackages.size > 0 ? fromPackages : fromDependencies).values()];
  return { items: toolVersion ? items.map((item) => ({ ...item, toolVersion })) : items };
}
