import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mapViewOf } from '../evidence/evidence.rules';
import { recordsOf, reportOf, type EvidenceData, type EvidenceItemData, type VendorData } from '../evidence/evidence.service';
import { readEvidence, type ExtractedItem } from '../evidence/readers';
import { ECOSYSTEMS, referenceVendors, VENDOR_FILE, VendorCatalogue, type VendorEntry } from '../evidence/vendor-catalogue';
import { readVendorFile } from '../evidence/vendor-file';
import type { Finding } from '../findings/findings.rules';
import { manifestSchema } from '../manifest/manifest.schema';
import { ManifestInvalid, pathOf, readManifest } from '../manifest/manifest.service';

/** What the evidence command prints: the report as the API answers it, or as the CLI judges it offline. */
export interface PrintableReport {
  repository: string;
  commit: string | null;
  itemsReceived: number;
  itemsIgnored: number;
  vendors: {
    vendor: string;
    name: string;
    processorKey: string;
    status: string;
    items: { ecosystem: string | null; package: string | null; host: string | null; file: string | null; line: number | null; tool: string | null }[];
    dataTypes: { dataType: string; categoryKey: string | null; declared: boolean | null }[];
  }[];
  findings: Finding[];
}

/** Where the evidence is judged: the service (over HTTP or the database), unless --offline. */
export interface EvidenceBackend {
  /** The catalogue in force there (bundled and registered). */
  vendors(): Promise<VendorEntry[]>;
  reconcile(input: EvidenceData): Promise<PrintableReport>;
}

export const EVIDENCE_USAGE = `  evidence <paths...> [--bearer <report>] [--privado <privado.json>] [--repository <name>] [--commit <sha>]
           [--vendors <datamap.vendors.yaml>] [--offline <exported map.yaml>] [--format text|json]
                                    read dependency manifests (package.json, package-lock.json, requirements.txt,
                                    pyproject.toml, go.mod, pom.xml, Gemfile.lock, or a directory holding them) and
                                    scanner reports locally, send only the vendors found (names, data types, file:line),
                                    print how each stands in the registry; exits 1 on an undeclared recipient`;

export class EvidenceUsageError extends Error {}

/** A catalogue entry as the API takes it: packages as a list. */
const vendorInput = (entry: VendorEntry): VendorData => ({
  key: entry.key,
  name: entry.name,
  service: entry.service ?? null,
  processor: entry.processor ?? null,
  packages: ECOSYSTEMS.flatMap((ecosystem) => (entry.packages[ecosystem] ?? []).map((name) => ({ ecosystem, name }))),
  hosts: entry.hosts,
  aliases: entry.aliases,
  source: entry.source ?? null,
});

const itemInput = (item: ExtractedItem): EvidenceItemData => ({
  ecosystem: item.ecosystem ?? null,
  package: item.package ?? null,
  host: item.host ?? null,
  vendor: item.vendor ?? null,
  dataTypes: item.dataTypes ?? [],
  file: item.file,
  line: item.line ?? null,
  tool: item.tool,
  toolVersion: item.toolVersion ?? null,
});

function describe(report: PrintableReport, read: number): string[] {
  const lines = [
    `${report.repository}${report.commit ? ` @ ${report.commit}` : ''}: ${report.vendors.length} vendor${report.vendors.length === 1 ? '' : 's'} ` +
      `(${read} item${read === 1 ? '' : 's'} read, ${read - report.itemsReceived + report.itemsIgnored} not a vendor)`,
  ];
  for (const vendor of report.vendors) {
    const [first] = vendor.items;
    const where = first?.package ? `${first.ecosystem} ${first.package}` : first?.host ? first.host : first?.tool ?? '';
    const at = first?.file ? ` (${first.file}${first.line ? `:${first.line}` : ''})` : '';
    lines.push(`  ${vendor.status.padEnd(14)} ${vendor.vendor} -> processor ${vendor.processorKey}   ${where}${at}`);
    for (const type of vendor.dataTypes) {
      const standing = type.categoryKey === null ? 'not mapped' : type.declared ? 'declared' : 'NOT declared';
      lines.push(`      sends ${type.dataType}${type.categoryKey ? ` (${type.categoryKey})` : ''}: ${standing}`);
    }
  }
  return lines;
}

/**
 * `datamap evidence`: reads the files locally, keeps only what points to a vendor of the catalogue (the service's,
 * or the bundled one offline, plus the repository's datamap.vendors.yaml), sends those items, prints the report.
 * Exit 1 on an undeclared recipient, so a CI job fails on it.
 */
export async function evidenceCommand(
  args: string[],
  io: { out(text: string): void; cwd: string; env: Record<string, string | undefined> },
  backend: () => EvidenceBackend,
  formatFinding: (finding: Finding) => string,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      bearer: { type: 'string', multiple: true },
      privado: { type: 'string', multiple: true },
      repository: { type: 'string' },
      commit: { type: 'string' },
      vendors: { type: 'string' },
      offline: { type: 'string' },
      format: { type: 'string', default: 'text' },
      url: { type: 'string' },
    },
  });
  if (positionals.length === 0 && !values.bearer && !values.privado) {
    throw new EvidenceUsageError('expected files to read: evidence <paths...> [--bearer <report>] [--privado <privado.json>]');
  }
  if (values.format !== 'text' && values.format !== 'json') throw new EvidenceUsageError(`--format must be text or json, not ${values.format}`);
  const path = (given: string) => resolve(io.cwd, given);

  const vendorFile = values.vendors ?? (existsSync(path(VENDOR_FILE)) ? VENDOR_FILE : undefined);
  if (values.vendors && !existsSync(path(values.vendors))) throw new EvidenceUsageError(`cannot read ${values.vendors}`);
  const ownVendors = vendorFile ? readVendorFile(readFileSync(path(vendorFile), 'utf8'), vendorFile) : [];
  const read = await readEvidence({ paths: positionals, bearer: values.bearer, privado: values.privado }, path);
  const repository = values.repository ?? read.repository ?? io.env.GITHUB_REPOSITORY ?? io.env.CI_PROJECT_PATH ?? basename(io.cwd);
  const commit = values.commit ?? io.env.GITHUB_SHA ?? io.env.CI_COMMIT_SHA ?? read.commit ?? null;

  const service = values.offline ? null : backend();
  const known = service ? await service.vendors() : referenceVendors();
  const catalogue = new VendorCatalogue(known, ownVendors);
  // Only what points to a vendor leaves the machine: an unknown package is not a vendor, and no code is read at all.
  const items = read.items.filter((item) => catalogue.identify(item)).map(itemInput);
  const input: EvidenceData = { repository, commit, items, vendors: ownVendors.map(vendorInput) };

  let report: PrintableReport;
  if (service) report = await service.reconcile(input);
  else {
    const { manifest, lineOf } = readManifest(readFileSync(path(values.offline!), 'utf8'), values.offline);
    // An exported map is complete; a partial manifest cannot say which processors exist.
    const complete = manifestSchema.safeParse(manifest);
    if (!complete.success) {
      throw new ManifestInvalid(
        values.offline!,
        complete.error.issues.map((issue) => ({
          path: pathOf(issue.path),
          message: `${issue.message} (--offline needs the whole map, as npm run datamap -- export writes it)`,
          line: lineOf(pathOf(issue.path)),
        })),
      );
    }
    const map = complete.data;
    report = reportOf(
      { repository, commit, receivedAt: new Date(), submittedBy: 'offline', itemsReceived: items.length, items: recordsOf(items, catalogue), vendors: ownVendors },
      mapViewOf(map),
      () => catalogue,
    );
  }
  if (values.format === 'json') io.out(JSON.stringify(report, null, 2));
  else {
    const errors = report.findings.filter((f) => f.severity === 'ERROR').length;
    const warnings = report.findings.filter((f) => f.severity === 'WARNING').length;
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    io.out([...describe(report, read.items.length), ...report.findings.map(formatFinding), `${count(errors, 'error')}, ${count(warnings, 'warning')}`].join('\n'));
  }
  return report.findings.some((f) => f.rule === 'undeclared-recipient') ? 1 : 0;
}
