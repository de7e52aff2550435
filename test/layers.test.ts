import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The project files a source file imports, relative to src/ (`server/app.ts`), read by TypeScript's own scanner. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(SRC, resolve(dirname(file), name)));
}

const layerOf = (path: string) => path.split('/')[0];

describe('dependencies point down', () => {
  it('no module outside src/server imports from it (the top of the house: HTTP, Apollo, the request context factory)', () => {
    const upward = sourceFiles(SRC)
      .map((file) => relative(SRC, file))
      .filter((path) => layerOf(path) !== 'server' && path !== 'main.ts')
      .flatMap((path) => importsOf(join(SRC, path)).filter((target) => layerOf(target) === 'server').map((target) => `${path} -> ${target}`));
    expect(upward).toEqual([]);
  });

  it('src/common names no domain: only the auth and db leaves it builds on', () => {
    const allowed = new Set(['common', 'auth', 'db']);
    const upward = sourceFiles(join(SRC, 'common'))
      .map((file) => relative(SRC, file))
      .flatMap((path) => importsOf(join(SRC, path)).filter((target) => !allowed.has(layerOf(target))).map((target) => `${path} -> ${target}`));
    expect(upward).toEqual([]);
  });
});
