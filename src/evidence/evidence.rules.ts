import { registerEnumType } from 'type-graphql';
import { RULES, type Finding, type FindingEntityRef } from '../findings/findings.rules';
import { ProcessorStatus } from '../processor/processor.entity';
import { categoryInMap, categoryOfDataType, declaredFor } from './data-types';
import { processorKeyOf, type VendorCatalogue } from './vendor-catalogue';

export enum EvidenceStatus {
  DECLARED = 'DECLARED',
  PENDING_REVIEW = 'PENDING_REVIEW',
  UNDECLARED = 'UNDECLARED',
}

registerEnumType(EvidenceStatus, {
  name: 'EvidenceStatus',
  description: 'How a vendor that the code calls stands in the registry.',
  valuesConfig: {
    DECLARED: { description: 'Its processor is ACTIVE: the map declares it.' },
    PENDING_REVIEW: { description: 'Its processor is PROPOSED: registered, awaiting the privacy officer. It must not receive data yet.' },
    UNDECLARED: { description: 'No processor of its key, or one that was REJECTED or RETIRED: the code calls a recipient the map does not declare.' },
  },
});

/** One piece of evidence as stored: the vendor it points to, and where and how it was seen. Never source code. */
export interface EvidenceRecord {
  vendor: string;
  /** The vendor's name when it was seen (a scanner's name for a vendor the catalogue lacks). */
  vendorName: string;
  /** The processor key the catalogue mapped it to when it was seen; the catalogue in force decides when it still has the vendor. */
  processorKey: string;
  matchedBy: 'package' | 'host' | 'name';
  ecosystem: string | null;
  package: string | null;
  host: string | null;
  dataTypes: string[];
  file: string | null;
  line: number | null;
  tool: string | null;
  toolVersion: string | null;
}

/** The latest evidence of one repository. */
export interface RepositoryEvidence {
  repository: string;
  commit: string | null;
  items: EvidenceRecord[];
}

export interface MapProcessor {
  key: string;
  name: string;
  status: ProcessorStatus;
  dataCategories: readonly string[];
  /** The recipient that engaged this sub-processor: the organisation's code never calls it, its engager does. */
  engagedBy?: string | null;
}

/** What the judgment needs of the map: processors with their status and categories, and the category keys. */
export interface MapView {
  processors: ReadonlyMap<string, MapProcessor>;
  categories: ReadonlySet<string>;
}

/** The view of a map given as a manifest (an export, or `findings`' own export). */
export function mapViewOf(map: { processors: MapProcessor[]; dataCategories: { key: string }[] }): MapView {
  return {
    processors: new Map(
      map.processors.map((p) => [p.key, { key: p.key, name: p.name, status: p.status, dataCategories: p.dataCategories, engagedBy: p.engagedBy ?? null }]),
    ),
    categories: new Set(map.dataCategories.map((c) => c.key)),
  };
}

export interface DataTypeJudgment {
  dataType: string;
  tool: string | null;
  /** The category it maps to, in the map's taxonomy; null when the mapping does not know the type. */
  categoryKey: string | null;
  /** Whether the map has that category (an Art. 9 category the map lacks has a key all the same). */
  inMap: boolean;
  /** Whether the processor is declared for that category; null when the type maps to no category. */
  declared: boolean | null;
}

export interface ObservedItem extends EvidenceRecord {
  repository: string;
  commit: string | null;
}

export interface VendorJudgment {
  vendor: string;
  name: string;
  service: string | null;
  processorKey: string;
  /** The processor of that key, when the map has one. */
  processor: MapProcessor | null;
  status: EvidenceStatus;
  repositories: string[];
  items: ObservedItem[];
  dataTypes: DataTypeJudgment[];
}

export function evidenceStatusOf(processor: MapProcessor | null | undefined): EvidenceStatus {
  if (processor?.status === ProcessorStatus.ACTIVE) return EvidenceStatus.DECLARED;
  if (processor?.status === ProcessorStatus.PROPOSED) return EvidenceStatus.PENDING_REVIEW;
  return EvidenceStatus.UNDECLARED;
}

const inPlay = (processor: MapProcessor | null) =>
  processor?.status === ProcessorStatus.ACTIVE || processor?.status === ProcessorStatus.PROPOSED;

/**
 * Observed against declared: every vendor the evidence of the given repositories points to, with the processor
 * its key maps to (by the catalogue each repository is read with), its status in the registry, and, per data
 * type the code sends it, whether that processor is declared for the category. In vendor key order.
 */
export function judgeEvidence(
  evidence: readonly RepositoryEvidence[],
  map: MapView,
  catalogueOf: (repository: string) => VendorCatalogue,
): VendorJudgment[] {
  const byVendor = new Map<string, { items: ObservedItem[]; name: string; service: string | null; processorKey: string }>();
  for (const { repository, commit, items } of [...evidence].sort((a, b) => a.repository.localeCompare(b.repository))) {
    const catalogue = catalogueOf(repository);
    for (const item of items) {
      const entry = catalogue.get(item.vendor);
      let vendor = byVendor.get(item.vendor);
      if (!vendor) {
        vendor = {
          items: [],
          name: entry?.name ?? item.vendorName,
          service: entry?.service ?? null,
          processorKey: entry ? processorKeyOf(entry) : item.processorKey,
        };
        byVendor.set(item.vendor, vendor);
      }
      vendor.items.push({ ...item, repository, commit });
    }
  }
  return [...byVendor.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, { items, name, service, processorKey }]) => {
      const processor = map.processors.get(processorKey) ?? null;
      return {
        vendor: key,
        name,
        service,
        processorKey,
        processor,
        status: evidenceStatusOf(processor),
        repositories: [...new Set(items.map((item) => item.repository))],
        items,
        dataTypes: judgeDataTypes(items, processor, map.categories),
      };
    });
}

function judgeDataTypes(items: readonly ObservedItem[], processor: MapProcessor | null, categories: ReadonlySet<string>): DataTypeJudgment[] {
  const seen = new Map<string, DataTypeJudgment>();
  for (const item of items) {
    for (const dataType of item.dataTypes) {
      const id = `${dataType}\u0000${item.tool ?? ''}`;
      if (seen.has(id)) continue;
      const mapped = categoryOfDataType(dataType, item.tool);
      if (mapped === undefined) continue;
      if (mapped === null) {
        seen.set(id, { dataType, tool: item.tool, categoryKey: null, inMap: false, declared: null });
        continue;
      }
      const category = categoryInMap(mapped, categories);
      const declared = category.inMap && processor !== null && inPlay(processor) && declaredFor(processor.dataCategories, category.key);
      seen.set(id, { dataType, tool: item.tool, categoryKey: category.key, inMap: category.inMap, declared });
    }
  }
  return [...seen.values()];
}

/** Where a piece of evidence was seen, for messages: `npm package twilio in api (package.json:14)`. */
export function describeItem(item: ObservedItem): string {
  const what = item.package
    ? `${item.ecosystem ?? 'package'} package ${item.package}`
    : item.host
      ? `calls to ${item.host}`
      : `${item.tool ?? 'a scanner'}'s third party "${item.vendorName}"`;
  const where = item.file ? ` (${item.file}${item.line ? `:${item.line}` : ''})` : '';
  return `${what} in ${item.repository}${where}`;
}

const finding = (rule: keyof typeof RULES, message: string, entities: FindingEntityRef[], fix: string): Finding => ({
  severity: RULES[rule].severity,
  rule,
  message,
  entities,
  fix,
});

function standing(judgment: VendorJudgment): string {
  const { processor, processorKey } = judgment;
  if (!processor) return `no processor "${processorKey}" is registered`;
  if (processor.status === ProcessorStatus.PROPOSED) return `processor "${processorKey}" is PROPOSED and receives no data until a privacy officer approves it`;
  return `processor "${processorKey}" is ${processor.status}`;
}

/**
 * The findings of observed against declared:
 * - `undeclared-recipient` (ERROR): the code calls a vendor with no ACTIVE processor (GDPR Art. 28(2): no
 *   processor without the controller's authorisation; Art. 30(1)(d): the record names the recipients);
 * - `undeclared-category` (WARNING): the code sends a processor data of a category it is not declared for;
 * - `unobserved-processor` (INFO): an ACTIVE processor that no repository's evidence shows, once any has some (not a
 *   sub-processor: its engager sends it the data, not the organisation's code).
 */
export function evidenceFindings(judgments: readonly VendorJudgment[], map: MapView, repositories: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  for (const judgment of judgments) {
    const vendor: FindingEntityRef = { type: 'Vendor', key: judgment.vendor };
    const processorRef: FindingEntityRef[] = judgment.processor ? [{ type: 'Processor', key: judgment.processorKey }] : [];
    const [first, ...others] = judgment.items;
    const seen = `${describeItem(first)}${others.length ? ` and ${others.length} more` : ''}`;
    if (judgment.status !== EvidenceStatus.DECLARED) {
      findings.push(
        finding(
          'undeclared-recipient',
          `the code calls ${judgment.name} (${seen}), but ${standing(judgment)}: the map does not declare this recipient (GDPR Art. 28(2), Art. 30(1)(d))`,
          [vendor, ...processorRef],
          judgment.processor?.status === ProcessorStatus.PROPOSED
            ? `a PRIVACY_OFFICER approves ${judgment.processorKey} (approveProcessor) before this code ships, or the dependency is removed`
            : `register ${judgment.processorKey} (registerProcessor, or a manifest) and have a PRIVACY_OFFICER approve it, or remove the ` +
              `dependency; if ${judgment.name} is covered by another processor, map it there (processor: <key> in datamap.vendors.yaml or registerVendor)`,
        ),
      );
    }
    if (!judgment.processor || !inPlay(judgment.processor)) continue;
    const undeclared = new Map<string, string[]>();
    for (const type of judgment.dataTypes) {
      if (type.declared !== false || !type.categoryKey) continue;
      undeclared.set(type.categoryKey, [...(undeclared.get(type.categoryKey) ?? []), type.dataType]);
    }
    for (const [category, types] of undeclared) {
      findings.push(
        finding(
          'undeclared-category',
          `the code sends ${types.join(', ')} to ${judgment.name} (${category}), but processor "${judgment.processorKey}" is declared for ` +
            `${judgment.processor.dataCategories.join(', ') || 'no category'} only`,
          [{ type: 'Processor', key: judgment.processorKey }, { type: 'DataCategory', key: category }, vendor],
          map.categories.has(category)
            ? `declare ${category} for ${judgment.processorKey} (updateProcessor or a manifest) if it is meant to receive it, or stop sending it`
            : `${category} is not a category of the map: add it (a privacy officer decides its Art. 9 condition where it is a special category) ` +
              `and declare it for ${judgment.processorKey}, or stop sending it`,
        ),
      );
    }
  }
  if (repositories.length > 0) {
    const observed = new Set(judgments.map((j) => j.processorKey));
    for (const processor of map.processors.values()) {
      if (processor.status !== ProcessorStatus.ACTIVE || processor.engagedBy || observed.has(processor.key)) continue;
      findings.push(
        finding(
          'unobserved-processor',
          `${processor.key} is ACTIVE, but the evidence of no repository (${repositories.join(', ')}) shows code calling it`,
          [{ type: 'Processor', key: processor.key }],
          `if nothing uses ${processor.key} any more, a PRIVACY_OFFICER retires it (retireProcessor); if the code reaches it in a way the ` +
            'catalogue does not know, add its package or host (datamap.vendors.yaml or registerVendor)',
        ),
      );
    }
  }
  return findings;
}
