import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'yaml';
import type { Actor } from '../audit/audit.service';
import { ensureAgePolicy } from '../age-policy/age-policy.reference';
import { ensureCountries, referenceCountries } from '../country/country.reference';
import { openDatabase, type Database } from '../db/database';
import { DEFAULT_SEED_FILE } from '../db/seed';
import { RULES, FindingSeverity, type Finding } from '../findings/findings.rules';
import { findingsOf } from '../findings/findings.service';
import { FIDES_FILES, FIDES_TAXONOMY_DIR, fidesTaxonomyManifest } from '../manifest/fides-taxonomy';
import {
  applyManifest,
  checkManifest,
  exportManifest,
  ManifestInvalid,
  offlineKeys,
  parseManifest,
  readManifest,
  type ManifestDiff,
} from '../manifest/manifest.service';
import { EmptyMap, renderRopa, ROPA_FORMATS, type RopaFormat } from '../ropa/ropa';
import { ropaOf } from '../ropa/ropa.service';
import { loadConfig } from '../server/config';

/** What the CLI talks to: injected, so that tests run commands as functions against the test database. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Where relative paths start: the directory `npm run datamap` was called from. */
  cwd: string;
  /** Opens the database as the server does; the CLI closes it when the command ends. */
  connect(): Promise<Database>;
}

export const USAGE = `usage: npm run datamap -- <command>

  apply <file.yaml> [--dry-run]    apply a manifest (idempotent) and print what it added, changed and left unchanged
  export [--out <file.yaml>]        write the current map as a manifest
  validate <file.yaml> [--against <base.yaml>]
                                    check a manifest without a database: shape, references (to itself and to the
                                    base map, by default seeds/pythonmaster.yaml) and transfer rules
  import fides-taxonomy [<dir>]     load the Fides taxonomy (default: the vendored seeds/reference/fideslang)
  lint [--format text|json]         check the map against the rules; exits 1 when a finding is an ERROR
  ropa --format csv|md|json [--out <file>]
                                    the record of processing activities (GDPR Art. 30(1))

The database is DATABASE_URL, or embedded PGlite in DATA_DIR (default ./data; one process at a time).
Audit entries name DATAMAP_ACTOR, or cli:<your user name>.`;

class UsageError extends Error {}

/** Opens the database like the server does, with the reference data (countries, age policy) the rules need. */
export async function connectLikeTheServer(env: Record<string, string | undefined>): Promise<Database> {
  const config = loadConfig({ ...env, NODE_ENV: env.NODE_ENV ?? 'development' });
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, quiet: true });
  const em = db.orm.em.fork();
  await ensureCountries(em);
  await ensureAgePolicy(em);
  return db;
}

function actorOf(env: Record<string, string | undefined>): Actor {
  return { viewer: { subject: env.DATAMAP_ACTOR || `cli:${userInfo().username}`, roles: [] } };
}

async function withDatabase<T>(io: CliIO, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const db = await io.connect();
  try {
    return await work(db.orm.em.fork());
  } finally {
    await db.close();
  }
}

function printProblems(io: CliIO, error: ManifestInvalid) {
  io.err(`${error.source}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; nothing was changed`);
  io.err(error.message);
}

function printDiff(io: CliIO, diff: ManifestDiff, dryRun: boolean) {
  const lines = [
    ...diff.added.map((label) => `+ ${label}`),
    ...diff.changed.map((label) => `~ ${label}`),
    `${diff.added.length} added, ${diff.changed.length} changed, ${diff.unchanged.length} unchanged` +
      (dryRun ? ' (dry run: nothing was written)' : ''),
  ];
  io.out(lines.join('\n'));
}

function formatFinding(f: Finding): string {
  const entities = f.entities.map((e) => `${e.type} ${e.key}`).join(', ');
  return `${f.severity.padEnd(7)} ${f.rule}  [${entities}]\n        ${f.message}\n        fix: ${f.fix}`;
}

function readText(io: CliIO, file: string): string {
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

function output(io: CliIO, text: string, out: string | undefined, what: string) {
  if (!out) return io.out(text.replace(/\n$/, ''));
  writeFileSync(resolve(io.cwd, out), text);
  io.err(`wrote ${what} to ${out}`);
}

function oneArgument(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected ${what}`);
  return positionals[0];
}

const commands: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  async apply(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean' } } });
    const file = oneArgument(positionals, 'one manifest file: apply <file.yaml>');
    const parsed = readManifest(readText(io, file), file);
    const dryRun = values['dry-run'] ?? false;
    const diff = await withDatabase(io, (em) =>
      applyManifest(em, parsed.manifest, { dryRun, source: file, lineOf: parsed.lineOf, actor: actorOf(io.env) }),
    );
    printDiff(io, diff, dryRun);
    return 0;
  },

  async export(args, io) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
    const manifest = await withDatabase(io, exportManifest);
    output(io, `# The data map, exported by datamap. Apply it with: npm run datamap -- apply <file>\n${stringify(manifest)}`, values.out, 'the map');
    return 0;
  },

  async validate(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { against: { type: 'string' } } });
    const file = oneArgument(positionals, 'one manifest file: validate <file.yaml>');
    const parsed = readManifest(readText(io, file), file);
    const baseFile = values.against ?? DEFAULT_SEED_FILE;
    const base = parseManifest(readText(io, baseFile), baseFile);
    const { problems } = await checkManifest(parsed.manifest, offlineKeys(base, referenceCountries()));
    if (problems.length > 0) throw new ManifestInvalid(file, problems.map((p) => ({ ...p, line: parsed.lineOf(p.path) })));
    const counts = (['activities', 'processors', 'dataCategories', 'purposes'] as const).map((s) => `${parsed.manifest[s].length} ${s}`);
    io.out(`${file} is valid (${counts.join(', ')})`);
    return 0;
  },

  async import(args, io) {
    const [what, dir, ...rest] = args;
    if (what !== 'fides-taxonomy' || rest.length > 0) throw new UsageError('expected: import fides-taxonomy [<dir>]');
    const source = dir ? resolve(io.cwd, dir) : FIDES_TAXONOMY_DIR;
    const missing = FIDES_FILES.filter((name) => !existsSync(join(source, name)));
    if (missing.length > 0) throw new UsageError(`${dir ?? source} lacks ${missing.join(', ')} (fideslang's data_files)`);
    const manifest = fidesTaxonomyManifest(source);
    const diff = await withDatabase(io, (em) => applyManifest(em, manifest, { source: 'fides-taxonomy', actor: actorOf(io.env) }));
    io.out(`Fides taxonomy © Ethyca, CC BY 4.0: ${diff.added.length} added, ${diff.changed.length} changed, ${diff.unchanged.length} unchanged`);
    return 0;
  },

  async lint(args, io) {
    const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'text' } } });
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not ${values.format}`);
    const findings = await withDatabase(io, findingsOf);
    const errors = findings.filter((f) => f.severity === FindingSeverity.ERROR).length;
    if (values.format === 'json') io.out(JSON.stringify(findings, null, 2));
    else {
      const count = (severity: FindingSeverity) => findings.filter((f) => f.severity === severity).length;
      io.out([...findings.map(formatFinding), `${count(FindingSeverity.ERROR)} errors, ${count(FindingSeverity.WARNING)} warnings, ` +
        `${count(FindingSeverity.INFO)} info (${Object.keys(RULES).length} rules)`].join('\n'));
    }
    return errors > 0 ? 1 : 0;
  },

  async ropa(args, io) {
    const { values } = parseArgs({ args, options: { format: { type: 'string' }, out: { type: 'string' } } });
    const format = values.format as RopaFormat;
    if (!ROPA_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${ROPA_FORMATS.join(', ')}`);
    const text = renderRopa(await withDatabase(io, ropaOf), format);
    output(io, text, values.out, 'the record of processing');
    return 0;
  },
};

/** Runs one command; returns the exit code: 0 done, 1 the input or the map has problems, 2 a usage error. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    io.out(USAGE);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.err(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof ManifestInvalid) {
      printProblems(io, error);
      return 1;
    }
    if (error instanceof EmptyMap) {
      io.err(`datamap ${name}: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`datamap ${name}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
