import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EvidenceFileInvalid, type ExtractedItem, type ReadResult } from './evidence-file';
import { readGemfileLock } from './gemfile-lock';
import { readGoMod } from './go-mod';
import { readPom } from './maven';
import { readPackageJson, readPackageLock } from './npm';
import { readPyproject, readRequirements } from './python';
import { readBearerReport, readPrivadoReport } from './scanners';

export { EvidenceFileInvalid, type ExtractedItem, type ReadResult } from './evidence-file';

type Reader = (file: string, path: string) => Promise<ReadResult>;
const fromText = (read: (file: string, text: string) => ReadResult): Reader => async (file, path) => read(file, await readFile(path, 'utf8'));

/** The dependency manifests datamap reads, by file name. */
const MANIFESTS: { name: string; test: (name: string) => boolean; read: Reader }[] = [
  { name: 'package.json', test: (n) => n === 'package.json', read: readPackageJson },
  { name: 'package-lock.json', test: (n) => n === 'package-lock.json' || n === 'npm-shrinkwrap.json', read: readPackageLock },
  { name: 'requirements.txt', test: (n) => /^requirements.*\.(txt|in)$/.test(n) || n === 'constraints.txt', read: fromText(readRequirements) },
  { name: 'pyproject.toml', test: (n) => n === 'pyproject.toml', read: fromText(readPyproject) },
  { name: 'go.mod', test: (n) => n === 'go.mod', read: fromText(readGoMod) },
  { name: 'pom.xml', test: (n) => n === 'pom.xml', read: fromText(readPom) },
  { name: 'Gemfile.lock', test: (n) => n === 'Gemfile.lock', read: fromText(readGemfileLock) },
];

export const MANIFEST_NAMES = MANIFESTS.map((m) => m.name);

const readerOf = (name: string) => MANIFESTS.find((manifest) => manifest.test(name));

/**
 * Reads what a repository already has: dependency manifests (a directory stands for the manifests directly in
 * it), Bearer's privacy report and Privado's privado.json. `display` names each file as the user gave it, in
 * items and errors. Nothing but the extracted names and positions comes out.
 */
export async function readEvidence(
  options: { paths: string[]; bearer?: string[]; privado?: string[] },
  resolvePath: (given: string) => string,
): Promise<ReadResult> {
  const items: ExtractedItem[] = [];
  let repository: string | undefined;
  let commit: string | undefined;
  const read = async (display: string, reader: Reader) => {
    const result = await reader(display, resolvePath(display));
    items.push(...result.items);
    repository ??= result.repository;
    commit ??= result.commit;
  };
  for (const given of options.paths) {
    const path = resolvePath(given);
    const info = await stat(path).catch(() => null);
    if (!info) throw new EvidenceFileInvalid(given, 'no such file or directory');
    if (info.isDirectory()) {
      const found = (await readdir(path)).filter((name) => readerOf(name)).sort();
      if (found.length === 0) throw new EvidenceFileInvalid(given, `a directory without any of ${MANIFEST_NAMES.join(', ')}`);
      for (const name of found) await read(join(given, name), readerOf(name)!.read);
      continue;
    }
    const reader = readerOf(basename(path));
    if (!reader) {
      throw new EvidenceFileInvalid(given, `not a file datamap reads: give ${MANIFEST_NAMES.join(', ')}, or a scanner's report with --bearer or --privado`);
    }
    await read(given, reader.read);
  }
  for (const report of options.bearer ?? []) await read(report, async (file, path) => readBearerReport(file, path, await readFile(path, 'utf8')));
  for (const report of options.privado ?? []) await read(report, readPrivadoReport);
  return { items, repository, commit };
}
