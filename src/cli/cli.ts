import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'yaml';
import type { Actor } from '../audit/audit.service';
import { Role } from '../auth/viewer';
import { ensureAgePolicy } from '../age-policy/age-policy.reference';
import { ensureCountries, referenceStandings } from '../country/country.reference';
import { openDatabase, type Database } from '../db/database';
import { DEFAULT_SEED_FILE } from '../db/seed';
import { RULES, FindingSeverity, type Finding } from '../findings/findings.rules';
import { findingsOf } from '../findings/findings.service';
import { FIDES_FILES, FIDES_TAXONOMY_DIR, fidesTaxonomyManifest } from '../manifest/fides-taxonomy';
import {
  applyManifestText,
  checkManifestInput,
  describePlan,
  exportManifest,
  ManifestInvalid,
  manifestYaml,
  offlineKeys,
  parseManifest,
  readManifest,
  type ManifestPlan,
  type ManifestProblem,
} from '../manifest/manifest.service';
import { EmptyMap, renderRopa, ROPA_FORMATS, type RopaFormat } from '../ropa/ropa';
import { ropaOf } from '../ropa/ropa.service';
import { loadConfig } from '../common/config';
import { reconcileEvidence, vendorList } from '../evidence/evidence.service';
import { EvidenceFileInvalid } from '../evidence/readers';
import { ECOSYSTEMS, type VendorEntry } from '../evidence/vendor-catalogue';
import { EVIDENCE_USAGE, evidenceCommand, EvidenceUsageError, type EvidenceBackend, type PrintableReport } from './evidence-command';
import type { TransferSettings } from '../common/context';
import { ALL_REGIMES, Regime, regimeParameter } from '../country/regime';

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

export const USAGE = `usage: npm run datamap -- <command> [--url <service>]

  apply <file.yaml> [--dry-run]    apply a manifest (idempotent) and print every field it adds or changes
  export [--out <file.yaml>]        write the current map as a manifest
  validate <file.yaml> [--against <base.yaml>]
                                    check a manifest without a database: shape, references (to itself and to the
                                    base map, by default seeds/pythonmaster.yaml) and transfer rules
  import fides-taxonomy [<dir>]     load the Fides taxonomy (default: the vendored seeds/reference/fideslang)
  lint [--format text|json]         check the map against the rules; exits 1 when a finding is an ERROR
  ropa --format csv|md|json [--regime EU_GDPR|UK_GDPR|SWISS_FADP] [--out <file>]
                                    the record of processing activities (GDPR Art. 30(1); with --regime,
                                    UK GDPR Art. 30(1) or FADP Art. 12)
${EVIDENCE_USAGE}

With --url or DATAMAP_URL (such as http://127.0.0.1:4000), apply, export, import, lint, ropa and evidence go to that
running service over HTTP, as the token in DATAMAP_TOKEN (npm run token -- --role ENGINEER --sub <you>).
Without it they open the database directly: DATABASE_URL, or embedded PGlite in DATA_DIR (default ./data),
only while no service runs on it. Directly, the CLI acts as the local operator, with a PRIVACY_OFFICER's
authority; audit entries name DATAMAP_ACTOR, or cli:<your user name>.`;

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

/** SERVED_REGIMES, TIA_REVIEW_MONTHS and DPF_GRACE_DAYS as the server reads them. */
function transferSettings(env: Record<string, string | undefined>): TransferSettings {
  const config = loadConfig({ ...env, NODE_ENV: env.NODE_ENV ?? 'development' });
  return { servedRegimes: config.servedRegimes, tiaReviewMonths: config.tiaReviewMonths, dpfGraceDays: config.dpfGraceDays };
}

/**
 * The local operator: whoever may open the database directly owns its files anyway, so the CLI acts with the
 * privacy officer's authority (it may decide a processor's status), and the audit trail names the user.
 */
function localOperator(env: Record<string, string | undefined>): Actor {
  return { viewer: { subject: env.DATAMAP_ACTOR || `cli:${userInfo().username}`, roles: [Role.PRIVACY_OFFICER] } };
}

/** Where the map lives for a command: a running service (over HTTP) or the database (opened directly). */
interface Backend extends EvidenceBackend {
  apply(text: string, dryRun: boolean): Promise<ManifestPlan>;
  /** The map as manifest YAML. */
  export(): Promise<string>;
  findings(): Promise<Finding[]>;
  ropa(format: RopaFormat, regime: Regime): Promise<string>;
}

function directBackend(io: CliIO): Backend {
  const withDatabase = async <T>(work: (em: EntityManager) => Promise<T>): Promise<T> => {
    const db = await io.connect();
    try {
      return await work(db.orm.em.fork());
    } finally {
      await db.close();
    }
  };
  return {
    apply: (text, dryRun) =>
      withDatabase((em) =>
        applyManifestText(em, text, {
          dryRun,
          actor: localOperator(io.env),
          notice: { now: new Date(), noticeDays: loadConfig({ ...io.env, NODE_ENV: io.env.NODE_ENV ?? 'development' }).subprocessorNoticeDays },
          transfers: transferSettings(io.env),
        }),
      ),
    export: () => withDatabase(async (em) => manifestYaml(await exportManifest(em))),
    findings: () => withDatabase((em) => findingsOf(em, new Date(), transferSettings(io.env))),
    ropa: async (format, regime) => renderRopa(await withDatabase((em) => ropaOf(em, { regime, settings: transferSettings(io.env) })), format),
    vendors: () => withDatabase(vendorList),
    reconcile: (input) => withDatabase((em) => reconcileEvidence(em, localOperator(io.env), input, new Date())),
  };
}

/** A failure the service reported, or reaching it failed: printed as it is, exit 1. */
class ServiceError extends Error {}

const EVIDENCE_REPORT = `repository commit itemsReceived itemsIgnored
  vendors { vendor name processorKey status items { ecosystem package host file line tool } dataTypes { dataType categoryKey declared } }
  findings { severity rule message entities { type key } fix }`;

const FINDINGS_PAGE = `query DatamapFindings($after: String) {
  findings(first: 1000, after: $after) { pageInfo { hasNextPage endCursor } nodes { severity rule message entities { type key } fix } }
}`;

/** The running service at `url`, called with the token: the same rules and the same audit as any API client. */
export function serviceBackend(url: string, token: string | undefined): Backend {
  const base = url.replace(/\/+$/, '').replace(/\/graphql$/, '');
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const call = async (path: string, init: RequestInit = {}) => {
    try {
      return await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...init.headers } });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ServiceError(`cannot reach the service at ${base}: ${cause?.code ?? cause?.message ?? String(error)}`);
    }
  };
  const graphql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await call('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => null)) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string; problems?: ManifestProblem[] } }[];
    } | null;
    const [error] = body?.errors ?? [];
    if (error?.extensions?.problems) throw new ManifestInvalid('manifest', error.extensions.problems);
    if (error) throw new ServiceError(`${base} answered ${error.extensions?.code ?? response.status}: ${error.message}`);
    if (!body?.data) throw new ServiceError(`${base} answered HTTP ${response.status} without data`);
    return body.data;
  };
  return {
    async apply(manifest, dryRun) {
      const { applyManifest } = await graphql<{ applyManifest: ManifestPlan }>(
        `mutation DatamapApply($manifest: String!, $dryRun: Boolean) {
          applyManifest(manifest: $manifest, dryRun: $dryRun) { applied entries { entity key outcome } changes { entity key field before after } }
        }`,
        { manifest, dryRun },
      );
      return applyManifest;
    },
    export: async () => (await graphql<{ manifest: string }>('query DatamapExport { manifest }', {})).manifest,
    async findings() {
      const findings: Finding[] = [];
      let after: string | null = null;
      do {
        const { findings: page }: { findings: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Finding[] } } =
          await graphql(FINDINGS_PAGE, { after });
        findings.push(...page.nodes);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      return findings;
    },
    async vendors() {
      const { vendors } = await graphql<{ vendors: (Omit<VendorEntry, 'packages'> & { packages: { ecosystem: string; name: string }[] })[] }>(
        'query DatamapVendors { vendors { key name service processor: processorKey packages { ecosystem name } hosts aliases source origin } }',
        {},
      );
      return vendors.map((vendor) => ({
        ...vendor,
        packages: Object.fromEntries(ECOSYSTEMS.map((eco) => [eco, vendor.packages.filter((p) => p.ecosystem === eco).map((p) => p.name)])),
      }));
    },
    async reconcile(input) {
      const { reconcileEvidence } = await graphql<{ reconcileEvidence: PrintableReport }>(
        `mutation DatamapReconcileEvidence($input: EvidenceInput!) { reconcileEvidence(input: $input) { ${EVIDENCE_REPORT} } }`,
        { input },
      );
      return reconcileEvidence;
    },
    async ropa(format, regime) {
      const response = await call(`/ropa.${format}${regime === Regime.EU_GDPR ? '' : `?regime=${regime}`}`);
      const text = await response.text();
      if (!response.ok) {
        const message = (JSON.parse(text) as { error?: { code: string; message: string } }).error;
        throw new ServiceError(`${base} answered ${message?.code ?? response.status}: ${message?.message ?? text}`);
      }
      return text;
    },
  };
}

/** The service when `--url` or DATAMAP_URL names one, else the database. */
function backendFor(io: CliIO, url: string | undefined): Backend {
  const service = url ?? io.env.DATAMAP_URL;
  return service ? serviceBackend(service, io.env.DATAMAP_TOKEN) : directBackend(io);
}

function printProblems(io: CliIO, error: ManifestInvalid) {
  io.err(`${error.source}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; nothing was changed`);
  io.err(error.message);
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

const urlOption = { url: { type: 'string' } } as const;

/** Applies a manifest's text; problems name the file (a service knows the text only as "manifest"). */
async function applyFile(backend: Backend, text: string, file: string, dryRun: boolean): Promise<ManifestPlan> {
  try {
    return await backend.apply(text, dryRun);
  } catch (error) {
    if (!(error instanceof ManifestInvalid)) throw error;
    throw new ManifestInvalid(file, error.problems);
  }
}

const commands: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  async apply(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, ...urlOption } });
    const file = oneArgument(positionals, 'one manifest file: apply <file.yaml>');
    const text = readText(io, file);
    // Shape problems are found here, with the file's lines, before anything is sent.
    readManifest(text, file);
    const plan = await applyFile(backendFor(io, values.url), text, file, values['dry-run'] ?? false);
    io.out(describePlan(plan).join('\n'));
    return 0;
  },

  async export(args, io) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' }, ...urlOption } });
    output(io, await backendFor(io, values.url).export(), values.out, 'the map');
    return 0;
  },

  async validate(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { against: { type: 'string' } } });
    const file = oneArgument(positionals, 'one manifest file: validate <file.yaml>');
    const parsed = readManifest(readText(io, file), file);
    const baseFile = values.against ?? DEFAULT_SEED_FILE;
    const countries = referenceStandings();
    const base = await checkManifestInput(parseManifest(readText(io, baseFile), baseFile), offlineKeys(null, countries));
    if (base.problems.length > 0) throw new ManifestInvalid(baseFile, base.problems);
    const { problems } = await checkManifestInput(parsed.manifest, offlineKeys(base.manifest, countries));
    if (problems.length > 0) throw new ManifestInvalid(file, problems.map((p) => ({ ...p, line: parsed.lineOf(p.path) })));
    const counts = (['activities', 'processors', 'dataCategories', 'purposes'] as const).map((s) => `${parsed.manifest[s].length} ${s}`);
    io.out(`${file} is valid (${counts.join(', ')})`);
    return 0;
  },

  async import(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: urlOption });
    const [what, dir, ...rest] = positionals;
    if (what !== 'fides-taxonomy' || rest.length > 0) throw new UsageError('expected: import fides-taxonomy [<dir>]');
    const source = dir ? resolve(io.cwd, dir) : FIDES_TAXONOMY_DIR;
    const missing = FIDES_FILES.filter((name) => !existsSync(join(source, name)));
    if (missing.length > 0) throw new UsageError(`${dir ?? source} lacks ${missing.join(', ')} (fideslang's data_files)`);
    const plan = await applyFile(backendFor(io, values.url), stringify(fidesTaxonomyManifest(source)), 'fides-taxonomy', false);
    const summary = describePlan(plan).at(-1);
    io.out(`Fides taxonomy © Ethyca, CC BY 4.0: ${summary}`);
    return 0;
  },

  async lint(args, io) {
    const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'text' }, ...urlOption } });
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not ${values.format}`);
    const findings = await backendFor(io, values.url).findings();
    const errors = findings.filter((f) => f.severity === FindingSeverity.ERROR).length;
    if (values.format === 'json') io.out(JSON.stringify(findings, null, 2));
    else {
      const count = (severity: FindingSeverity) => findings.filter((f) => f.severity === severity).length;
      io.out([...findings.map(formatFinding), `${count(FindingSeverity.ERROR)} errors, ${count(FindingSeverity.WARNING)} warnings, ` +
        `${count(FindingSeverity.INFO)} info (${Object.keys(RULES).length} rules)`].join('\n'));
    }
    return errors > 0 ? 1 : 0;
  },

  evidence: (args, io) => {
    const { values } = parseArgs({ args, allowPositionals: true, strict: false, options: urlOption });
    return evidenceCommand(args, io, () => backendFor(io, values.url as string | undefined), formatFinding);
  },

  async ropa(args, io) {
    const { values } = parseArgs({ args, options: { format: { type: 'string' }, regime: { type: 'string' }, out: { type: 'string' }, ...urlOption } });
    const format = values.format as RopaFormat;
    if (!ROPA_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${ROPA_FORMATS.join(', ')}`);
    const regime = regimeParameter(values.regime);
    if (!regime) throw new UsageError(`--regime must be one of ${ALL_REGIMES.join(', ')}, not ${values.regime}`);
    output(io, await backendFor(io, values.url).ropa(format, regime), values.out, 'the record of processing');
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
    if (error instanceof ServiceError || error instanceof EmptyMap || error instanceof EvidenceFileInvalid) {
      io.err(`datamap ${name}: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError || error instanceof EvidenceUsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`datamap ${name}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
