import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEntry } from '../audit/audit-entry.entity';
import { Country } from '../country/country.entity';
import { Organization } from '../organization/organization.entity';
import { Processor, ProcessorStatus } from '../processor/processor.entity';

/** How many changes the page, the JSON and the feed carry. */
export const RECENT_CHANGES = 100;

export interface PublishedLocation {
  country: string;
  countryName: string;
  inEEA: boolean;
  /** The transfer mechanism recorded for the location; null inside the EEA or when none is recorded. */
  mechanism: string | null;
  reference: string | null;
}

export interface PublishedProcessor {
  key: string;
  name: string;
  legalName: string | null;
  service: string;
  website: string | null;
  headquarters: string;
  locations: PublishedLocation[];
  /** When it was approved (from the audit trail); null for processors seeded with the map. */
  addedAt: string | null;
  /** When data starts to flow to it; null when it took effect on approval. */
  effectiveFrom: string | null;
  /** True while the notice period runs. */
  pending: boolean;
}

export type ChangeKind = 'ADDED' | 'RETIRED';

export interface SubprocessorChange {
  /** Stable: derived from the audit entry, which is never changed or removed. */
  id: string;
  at: string;
  kind: ChangeKind;
  processor: string;
  name: string;
  service: string;
  countries: string[];
  effectiveFrom: string | null;
  summary: string;
}

export interface SubprocessorList {
  controller: string;
  /** The tag URI (RFC 4151) every id of the feed starts with. */
  feedId: string;
  generatedAt: string;
  noticeDays: number;
  processors: PublishedProcessor[];
  changes: SubprocessorChange[];
}

const CHANGE_OPERATIONS: Record<string, ChangeKind> = { approveProcessor: 'ADDED', retireProcessor: 'RETIRED' };

/** The processor as its audit snapshot kept it (a manifest entry, plus effectiveFrom on an approval). */
interface ProcessorSnapshot {
  name?: string;
  service?: string;
  locations?: { country: string }[];
  headquarters?: string;
  effectiveFrom?: string;
}

/**
 * A tag URI (RFC 4151) owned by the controller: its email domain and the date of its privacy policy. Ids built
 * on it stay the same whatever host serves the feed.
 */
function feedIdOf(organization: Organization | undefined): string {
  const domain = organization?.email.split('@')[1]?.toLowerCase();
  const date = organization?.policyUpdatedOn;
  const authority = domain && /^[a-z0-9.-]+$/.test(domain) ? domain : 'datamap.invalid';
  return `tag:${authority},${date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '2026-01-01'}:subprocessors`;
}

function describeChange(kind: ChangeKind, snapshot: ProcessorSnapshot, key: string, at: Date): string {
  const name = snapshot.name ?? key;
  const countries = (snapshot.locations?.map((l) => l.country) ?? []).join(', ') || snapshot.headquarters || 'no location recorded';
  if (kind === 'RETIRED') return `${name} is no longer a sub-processor; no personal data flows to it from ${at.toISOString()}.`;
  const from = snapshot.effectiveFrom && snapshot.effectiveFrom > at.toISOString() ? snapshot.effectiveFrom : at.toISOString();
  return `${name} is added as a sub-processor for ${snapshot.service ?? 'an unnamed service'}, processing in ${countries}; personal data flows to it from ${from}.`;
}

/** The public list of sub-processors (Art. 28(2) and (4)): every ACTIVE processor, and approvals and retirements. */
export async function subprocessorList(em: EntityManager, now: Date, noticeDays: number): Promise<SubprocessorList> {
  const [[organization], processors, entries] = await Promise.all([
    em.find(Organization, {}, { orderBy: { key: 'asc' }, limit: 1 }),
    em.find(Processor, { status: ProcessorStatus.ACTIVE }, { populate: ['locations'], orderBy: { key: 'asc' } }),
    em.find(
      AuditEntry,
      { entityType: 'Processor', operation: { $in: Object.keys(CHANGE_OPERATIONS) } },
      { orderBy: { id: 'desc' }, limit: RECENT_CHANGES },
    ),
  ]);
  const codes = new Set(processors.flatMap((p) => [p.headquarters.code, ...p.locations.getItems().map((l) => l.country.code)]));
  const countries = new Map((await em.find(Country, { code: { $in: [...codes] } })).map((c) => [c.code, c]));
  // The latest approval of each listed processor, wherever it falls in the trail.
  const approvals = await em.find(
    AuditEntry,
    { entityType: 'Processor', operation: 'approveProcessor', entityKey: { $in: processors.map((p) => p.key) } },
    { orderBy: { id: 'asc' }, fields: ['entityKey', 'at'] },
  );
  const addedAt = new Map(approvals.map((entry) => [entry.entityKey, entry.at.toISOString()]));
  const feedId = feedIdOf(organization);
  return {
    controller: organization?.name ?? 'The controller',
    feedId,
    generatedAt: now.toISOString(),
    noticeDays,
    processors: processors.map((processor) => {
      const located = processor.locations.getItems();
      const places = located.length > 0 ? located : [{ country: processor.headquarters, mechanism: null, reference: null }];
      return {
        key: processor.key,
        name: processor.name,
        legalName: processor.legalName ?? null,
        service: processor.service,
        website: processor.website ?? null,
        headquarters: processor.headquarters.code,
        locations: places.map((location) => {
          const country = countries.get(location.country.code);
          return {
            country: location.country.code,
            countryName: country?.name ?? location.country.code,
            inEEA: country?.inEEA ?? false,
            mechanism: location.mechanism ?? null,
            reference: location.reference ?? null,
          };
        }),
        addedAt: addedAt.get(processor.key) ?? null,
        effectiveFrom: processor.effectiveFrom?.toISOString() ?? null,
        pending: processor.effectiveFrom != null && processor.effectiveFrom > now,
      };
    }),
    changes: entries.map((entry) => {
      const kind = CHANGE_OPERATIONS[entry.operation];
      const snapshot = (entry.after ?? {}) as ProcessorSnapshot;
      return {
        id: `${feedId}/change/${entry.id}`,
        at: entry.at.toISOString(),
        kind,
        processor: entry.entityKey,
        name: snapshot.name ?? entry.entityKey,
        service: snapshot.service ?? '',
        countries: snapshot.locations?.map((l) => l.country) ?? [],
        effectiveFrom: kind === 'ADDED' ? (snapshot.effectiveFrom ?? entry.at.toISOString()) : null,
        summary: describeChange(kind, snapshot, entry.entityKey, entry.at),
      };
    }),
  };
}
