import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../audit/audit.service';
import { badInput, notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { sortFindings, type Finding } from '../findings/findings.rules';
import { Evidence, RegisteredVendor } from './evidence.entity';
import {
  evidenceFindings,
  EvidenceStatus,
  judgeEvidence,
  type EvidenceRecord,
  type MapView,
  type VendorJudgment,
} from './evidence.rules';
import { selectEvidence, selectMapView, selectRegisteredVendors, type EvidenceRow } from './evidence.sql';
import {
  ECOSYSTEMS,
  isEcosystem,
  processorKeyOf,
  referenceVendors,
  VendorCatalogue,
  vendorEntry,
  vendorEntrySchema,
  type Ecosystem,
  type VendorEntry,
} from './vendor-catalogue';

/** At most this many items in one request: past it, the request is refused whole (a CI step sends only vendors). */
export const MAX_EVIDENCE_ITEMS = 10_000;
const MAX_TEXT = 500;
const MAX_DATA_TYPES = 100;
/** Problems listed in one refusal; past them, a count. */
const MAX_PROBLEMS = 20;

/** An item as the API and the CLI give it. */
export interface EvidenceItemData {
  ecosystem?: string | null;
  package?: string | null;
  host?: string | null;
  vendor?: string | null;
  dataTypes?: string[] | null;
  file?: string | null;
  line?: number | null;
  tool?: string | null;
  toolVersion?: string | null;
}

/** A catalogue entry as the API gives it: packages as a list of ecosystem and name. */
export interface VendorData {
  key: string;
  name: string;
  service?: string | null;
  processor?: string | null;
  packages?: { ecosystem: string; name: string }[] | null;
  hosts?: string[] | null;
  aliases?: string[] | null;
  source?: string | null;
}

export interface EvidenceData {
  repository: string;
  commit?: string | null;
  items: EvidenceItemData[];
  vendors?: VendorData[] | null;
}

/** The report of one repository: its evidence judged against the map now. */
export interface EvidenceReportData {
  repository: string;
  commit: string | null;
  receivedAt: Date;
  submittedBy: string;
  itemsReceived: number;
  itemsIgnored: number;
  vendors: VendorJudgment[];
  findings: Finding[];
}

/** A catalogue entry of the API, checked: the problems carry the input path (`input.packages[0].ecosystem`). */
function checkVendor(data: VendorData, path: string, problems: ValidationProblem[], origin: VendorEntry['origin']): VendorEntry | null {
  const packages: Partial<Record<Ecosystem, string[]>> = {};
  (data.packages ?? []).forEach((pkg, i) => {
    if (!isEcosystem(pkg.ecosystem)) {
      problems.push({ field: `${path}.packages[${i}].ecosystem`, value: pkg.ecosystem, message: `${path}.packages[${i}].ecosystem: "${pkg.ecosystem}" is not one of ${ECOSYSTEMS.join(', ')}` });
      return;
    }
    (packages[pkg.ecosystem] ??= []).push(pkg.name);
  });
  const parsed = vendorEntrySchema.safeParse({ ...data, packages, hosts: data.hosts ?? [], aliases: data.aliases ?? [] });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, ...rest] = issue.path;
      // packages.<ecosystem>[i] of the schema is packages[j] of the input, the j-th package overall of that ecosystem.
      const field = first === 'packages' && rest.length === 2 ? `${path}.packages (${rest[0]} ${JSON.stringify(packages[rest[0] as Ecosystem]?.[Number(rest[1])])})` : [path, ...issue.path].join('.').replace(/\.(\d+)/g, '[$1]');
      problems.push({ field, message: `${field}: ${issue.message}` });
    }
    return null;
  }
  return vendorEntry(parsed.data, origin);
}

function checkItems(items: EvidenceItemData[], problems: ValidationProblem[]) {
  const text = (value: string | null | undefined, field: string) => {
    if (value !== null && value !== undefined && value.length > MAX_TEXT) {
      problems.push({ field, value: `${value.slice(0, 40)}…`, message: `${field}: at most ${MAX_TEXT} characters (got ${value.length})` });
    }
  };
  items.forEach((item, i) => {
    const at = `input.items[${i}]`;
    if (!item.package?.trim() && !item.host?.trim() && !item.vendor?.trim()) {
      problems.push({ field: at, message: `${at}: needs a package, a host or a vendor to identify what the code calls` });
    }
    if (item.ecosystem && !isEcosystem(item.ecosystem)) {
      problems.push({ field: `${at}.ecosystem`, value: item.ecosystem, message: `${at}.ecosystem: "${item.ecosystem}" is not one of ${ECOSYSTEMS.join(', ')}` });
    }
    if (item.line !== null && item.line !== undefined && item.line < 1) {
      problems.push({ field: `${at}.line`, value: item.line, message: `${at}.line: a line number starts at 1 (got ${item.line})` });
    }
    if ((item.dataTypes?.length ?? 0) > MAX_DATA_TYPES) {
      problems.push({ field: `${at}.dataTypes`, value: item.dataTypes!.length, message: `${at}.dataTypes: at most ${MAX_DATA_TYPES} (got ${item.dataTypes!.length})` });
    }
    for (const field of ['ecosystem', 'package', 'host', 'vendor', 'file', 'tool', 'toolVersion'] as const) text(item[field], `${at}.${field}`);
    item.dataTypes?.forEach((type, j) => text(type, `${at}.dataTypes[${j}]`));
  });
}

function refuse(problems: ValidationProblem[]): never {
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) {
    shown.push({ field: 'input', message: `and ${problems.length - MAX_PROBLEMS} more problems of the same kinds` });
  }
  throw new ValidationFailed(shown);
}

/** The catalogue in force for a repository: bundled, then registered, then the repository's own. */
export async function catalogueOf(em: EntityManager): Promise<(repositoryVendors: VendorEntry[]) => VendorCatalogue> {
  const registered = await selectRegisteredVendors(em);
  return (repositoryVendors) => new VendorCatalogue(referenceVendors(), registered, repositoryVendors);
}

/** Which of the given items point to a vendor, as records to keep; the others are not vendors. */
export function recordsOf(items: EvidenceItemData[], catalogue: VendorCatalogue): EvidenceRecord[] {
  const records: EvidenceRecord[] = [];
  for (const item of items) {
    const match = catalogue.identify(item);
    if (!match) continue;
    records.push({
      vendor: match.vendor.key,
      vendorName: match.vendor.name,
      processorKey: processorKeyOf(match.vendor),
      matchedBy: match.by,
      ecosystem: item.ecosystem ?? null,
      package: item.package?.trim() || null,
      host: item.host?.trim() || null,
      dataTypes: [...new Set((item.dataTypes ?? []).map((type) => type.trim()).filter(Boolean))],
      file: item.file ?? null,
      line: item.line ?? null,
      tool: item.tool ?? null,
      toolVersion: item.toolVersion ?? null,
    });
  }
  return records;
}

/** Judges a repository's evidence against a map: what the API answers, and what the CLI prints offline. */
export function reportOf(row: EvidenceRow, map: MapView, catalogue: (vendors: VendorEntry[]) => VendorCatalogue): EvidenceReportData {
  const vendors = judgeEvidence([row], map, () => catalogue(row.vendors));
  return {
    repository: row.repository,
    commit: row.commit,
    receivedAt: row.receivedAt,
    submittedBy: row.submittedBy,
    itemsReceived: row.itemsReceived,
    itemsIgnored: row.itemsReceived - row.items.length,
    vendors,
    // Whether a processor is unobserved is a question for every repository together, not for one.
    findings: sortFindings(evidenceFindings(vendors, map, [])),
  };
}

/**
 * Stores a repository's evidence in place of its previous evidence, audited, and judges it against the map.
 * Every problem of the input is reported at once, and nothing is stored then.
 */
export async function reconcileEvidence(em: EntityManager, actor: Actor, input: EvidenceData, now: Date): Promise<EvidenceReportData> {
  if (input.items.length > MAX_EVIDENCE_ITEMS) {
    throw badInput(
      `input.items has ${input.items.length} items; at most ${MAX_EVIDENCE_ITEMS} are taken in one request: send only the items that ` +
        'identify a vendor (npm run datamap -- evidence does), or split a monorepo into one repository per service',
      { field: 'input.items', value: input.items.length, limit: MAX_EVIDENCE_ITEMS },
    );
  }
  const problems: ValidationProblem[] = [];
  const repository = input.repository.trim();
  if (!repository || repository.length > 200 || /[\u0000-\u001f]/.test(repository)) {
    problems.push({ field: 'input.repository', value: input.repository, message: 'input.repository: a name of 1 to 200 printable characters, such as "pythonmaster/web"' });
  }
  if (input.commit && (input.commit.length > 100 || /\s/.test(input.commit))) {
    problems.push({ field: 'input.commit', value: input.commit, message: 'input.commit: a commit id of at most 100 characters without spaces' });
  }
  checkItems(input.items, problems);
  const repositoryVendors = (input.vendors ?? []).map((vendor, i) => checkVendor(vendor, `input.vendors[${i}]`, problems, 'REPOSITORY'));
  if (problems.length > 0) refuse(problems);
  const ownVendors = repositoryVendors.filter((vendor): vendor is VendorEntry => vendor !== null);

  return em.transactional(async (tx) => {
    const catalogue = await catalogueOf(tx);
    const items = recordsOf(input.items, catalogue(ownVendors));
    const [previous] = await selectEvidence(tx, repository);
    const row: EvidenceRow = {
      repository,
      commit: input.commit || null,
      receivedAt: now,
      submittedBy: actor.viewer?.subject ?? 'anonymous',
      itemsReceived: input.items.length,
      items,
      vendors: ownVendors,
    };
    await tx.upsert(Evidence, { ...row });
    const summary = (evidence: EvidenceRow | undefined) =>
      evidence && { commit: evidence.commit, items: evidence.items.length, vendors: [...new Set(evidence.items.map((item) => item.vendor))].sort() };
    recordAudit(tx, actor, { operation: 'reconcileEvidence', entityType: 'Evidence', entityKey: repository, before: summary(previous), after: summary(row) });
    await tx.flush();
    return reportOf(row, await selectMapView(tx), catalogue);
  });
}

/** The report of one repository's stored evidence, or null when it sent none. */
export async function evidenceReport(em: EntityManager, repository: string): Promise<EvidenceReportData | null> {
  const [row] = await selectEvidence(em, repository);
  if (!row) return null;
  const [map, catalogue] = await Promise.all([selectMapView(em), catalogueOf(em)]);
  return reportOf(row, map, catalogue);
}

/** The reports of every repository, in repository order. */
export async function evidenceReports(em: EntityManager): Promise<EvidenceReportData[]> {
  const [rows, map, catalogue] = await Promise.all([selectEvidence(em), selectMapView(em), catalogueOf(em)]);
  return rows.map((row) => reportOf(row, map, catalogue));
}

/** Every vendor the latest evidence of every repository shows, judged against the map; only those of a status when given. */
export async function observedVendors(em: EntityManager, status?: EvidenceStatus | null): Promise<VendorJudgment[]> {
  const [rows, map, catalogue] = await Promise.all([selectEvidence(em), selectMapView(em), catalogueOf(em)]);
  const byRepository = new Map(rows.map((row) => [row.repository, row.vendors]));
  return judgeEvidence(rows, map, (repository) => catalogue(byRepository.get(repository) ?? [])).filter((v) => !status || v.status === status);
}

/**
 * The vendors the latest evidence shows with no ACTIVE processor (UNDECLARED or PENDING_REVIEW): what the map
 * draws apart. One statement when no repository has sent evidence.
 */
export async function vendorsNotDeclared(em: EntityManager): Promise<VendorJudgment[]> {
  const rows = await selectEvidence(em);
  if (rows.length === 0) return [];
  const [map, catalogue] = await Promise.all([selectMapView(em), catalogueOf(em)]);
  const byRepository = new Map(rows.map((row) => [row.repository, row.vendors]));
  return judgeEvidence(rows, map, (repository) => catalogue(byRepository.get(repository) ?? [])).filter((v) => v.status !== EvidenceStatus.DECLARED);
}

/** The evidence findings of every repository against a map (the `findings` query's own export of it). */
export async function evidenceFindingsOf(em: EntityManager, map: MapView): Promise<Finding[]> {
  const [rows, catalogue] = await Promise.all([selectEvidence(em), catalogueOf(em)]);
  const byRepository = new Map(rows.map((row) => [row.repository, row.vendors]));
  const judgments = judgeEvidence(rows, map, (repository) => catalogue(byRepository.get(repository) ?? []));
  return evidenceFindings(judgments, map, rows.map((row) => row.repository));
}

/** The catalogue in force (bundled and registered), in key order. */
export async function vendorList(em: EntityManager): Promise<VendorEntry[]> {
  return (await catalogueOf(em))([]).entries;
}

/** Adds a catalogue entry, or replaces the bundled or registered entry of its key; audited. */
export async function registerVendor(em: EntityManager, actor: Actor, input: VendorData): Promise<VendorEntry> {
  const problems: ValidationProblem[] = [];
  const entry = checkVendor(input, 'input', problems, 'REGISTERED');
  if (!entry) refuse(problems);
  return em.transactional(async (tx) => {
    const before = (await selectRegisteredVendors(tx)).find((vendor) => vendor.key === entry.key) ?? referenceVendors().find((vendor) => vendor.key === entry.key);
    const { origin: _origin, ...fields } = entry;
    await tx.upsert(RegisteredVendor, { ...fields, updatedAt: new Date() });
    recordAudit(tx, actor, { operation: 'registerVendor', entityType: 'Vendor', entityKey: entry.key, before: before ?? null, after: entry });
    await tx.flush();
    return entry;
  });
}

/** Removes a registered entry; the bundled entry of its key, if any, is in force again and is returned. */
export async function removeVendor(em: EntityManager, actor: Actor, key: string): Promise<VendorEntry | null> {
  return em.transactional(async (tx) => {
    const registered = (await selectRegisteredVendors(tx)).find((vendor) => vendor.key === key);
    if (!registered) {
      throw notFound(`no vendor "${key}" was registered through the API; bundled entries cannot be removed, only replaced (registerVendor)`, {
        field: 'key',
        value: key,
      });
    }
    await tx.nativeDelete(RegisteredVendor, { key });
    const bundled = referenceVendors().find((vendor) => vendor.key === key) ?? null;
    recordAudit(tx, actor, { operation: 'removeVendor', entityType: 'Vendor', entityKey: key, before: registered, after: bundled });
    await tx.flush();
    return bundled;
  });
}

