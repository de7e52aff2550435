import type { EntityManager } from '@mikro-orm/postgresql';
import { Country } from '../country/country.entity';
import { Organization } from '../organization/organization.entity';
import { Processor, ProcessorStatus } from '../processor/processor.entity';
import { RecipientNotice, RecipientNoticeKind } from './recipient-notice.entity';

/** How many changes the page, the JSON and the feed carry. */
export const RECENT_CHANGES = 100;

export interface PublishedLocation {
  country: string;
  countryName: string;
  inEEA: boolean;
  /** The transfer mechanism recorded for the location; null inside the EEA or when none is recorded. */
  mechanism: string | null;
  reference: string | null;
  /** For a country added to a current recipient: when data starts to flow there; null when it came with the recipient. */
  effectiveFrom: string | null;
  /** True while the country's notice runs. */
  pending: boolean;
}

export interface PublishedProcessor {
  key: string;
  name: string;
  legalName: string | null;
  service: string;
  website: string | null;
  headquarters: string;
  /** What it is to the organisation: PROCESSOR, INDEPENDENT_CONTROLLER or JOINT_CONTROLLER. */
  role: string;
  /** The processor that engaged it as its sub-processor; null when the organisation engaged it. */
  engagedBy: string | null;
  locations: PublishedLocation[];
  /** When it was announced (approved); null for processors listed with the map it was seeded with. */
  addedAt: string | null;
  /** When data starts to flow to it; null when it took effect on approval. */
  effectiveFrom: string | null;
  /** True while the notice period runs. */
  pending: boolean;
}

/** ADDED: a new recipient; COUNTRY_ADDED: a new country of a current one; RETIRED: no more data. */
export type ChangeKind = `${RecipientNoticeKind}`;

export interface SubprocessorChange {
  /** Stable: the entry's number, which is never reused. */
  id: string;
  at: string;
  kind: ChangeKind;
  processor: string;
  name: string;
  service: string;
  countries: string[];
  /** The recipient that engaged this one (key and name, as announced); null when the organisation engaged it. */
  engagedBy: { key: string; name: string } | null;
  /** When the change takes effect: data flows (or, RETIRED, stops) from then. */
  effectiveFrom: string;
  summary: string;
}

export interface SubprocessorList {
  controller: string;
  /** The policy's contact for questions and concerns. */
  contact: string | null;
  /** The policy's promise of notice of material changes, in its words; null when it makes none. */
  changeNotice: string | null;
  /** The tag URI (RFC 4151) every id of the feed starts with. */
  feedId: string;
  generatedAt: string;
  noticeDays: number;
  processors: PublishedProcessor[];
  changes: SubprocessorChange[];
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

const day = (date: Date) => date.toISOString().slice(0, 10);

function describeChange(notice: RecipientNotice): string {
  const countries = notice.countries.join(', ') || 'no location recorded';
  switch (notice.kind) {
    case RecipientNoticeKind.ADDED:
      return notice.engagerName
        ? `${notice.name} is added as a recipient of personal data, engaged by ${notice.engagerName} for ${notice.service}, processing in ${countries}; personal data flows to it from ${day(notice.effectiveFrom)}.`
        : `${notice.name} is added as a recipient of personal data for ${notice.service}, processing in ${countries}; personal data flows to it from ${day(notice.effectiveFrom)}.`;
    case RecipientNoticeKind.COUNTRY_ADDED:
      return `${notice.name} (${notice.service}) will also process personal data in ${countries}, from ${day(notice.effectiveFrom)}.`;
    case RecipientNoticeKind.RETIRED:
      return `${notice.name} is no longer a recipient; no personal data flows to it from ${day(notice.effectiveFrom)}.`;
  }
}

/**
 * The public list of recipients (GDPR Art. 13(1)(e) and (f)): every ACTIVE processor with its countries and
 * safeguards, and the entries of the policy's notice of changes, each with the date it takes effect.
 */
export async function subprocessorList(em: EntityManager, now: Date, noticeDays: number): Promise<SubprocessorList> {
  const [[organization], processors, notices] = await Promise.all([
    em.find(Organization, {}, { orderBy: { key: 'asc' }, limit: 1 }),
    em.find(Processor, { status: ProcessorStatus.ACTIVE }, { populate: ['locations'], orderBy: { key: 'asc' } }),
    em.find(RecipientNotice, {}, { orderBy: { id: 'desc' }, limit: RECENT_CHANGES }),
  ]);
  const codes = new Set(processors.flatMap((p) => [p.headquarters.code, ...p.locations.getItems().map((l) => l.country.code)]));
  const countries = new Map((await em.find(Country, { code: { $in: [...codes] } })).map((c) => [c.code, c]));
  // The latest announcement of each listed processor, wherever it falls in the list.
  const additions = await em.find(
    RecipientNotice,
    { kind: RecipientNoticeKind.ADDED, processor: { $in: processors.map((p) => p.key) } },
    { orderBy: { id: 'asc' }, fields: ['processor', 'announcedAt'] },
  );
  const addedAt = new Map(additions.map((notice) => [notice.processor.key, notice.announcedAt.toISOString()]));
  const feedId = feedIdOf(organization);
  return {
    controller: organization?.name ?? 'The controller',
    contact: organization?.email ?? null,
    changeNotice: organization?.changeNotice ?? null,
    feedId,
    generatedAt: now.toISOString(),
    noticeDays,
    processors: processors.map((processor) => {
      const located = processor.locations.getItems();
      const places = located.length > 0 ? located : [{ country: processor.headquarters, mechanism: null, reference: null, effectiveFrom: null }];
      return {
        key: processor.key,
        name: processor.name,
        legalName: processor.legalName ?? null,
        service: processor.service,
        website: processor.website ?? null,
        headquarters: processor.headquarters.code,
        role: processor.role,
        engagedBy: processor.engagedBy?.key ?? null,
        locations: places.map((location) => {
          const country = countries.get(location.country.code);
          return {
            country: location.country.code,
            countryName: country?.name ?? location.country.code,
            inEEA: country?.inEEA ?? false,
            mechanism: location.mechanism ?? null,
            reference: location.reference ?? null,
            effectiveFrom: location.effectiveFrom?.toISOString() ?? null,
            pending: location.effectiveFrom != null && location.effectiveFrom > now,
          };
        }),
        addedAt: addedAt.get(processor.key) ?? null,
        effectiveFrom: processor.effectiveFrom?.toISOString() ?? null,
        pending: processor.effectiveFrom != null && processor.effectiveFrom > now,
      };
    }),
    changes: notices.map((notice) => ({
      id: `${feedId}/change/${notice.id}`,
      at: notice.announcedAt.toISOString(),
      kind: notice.kind,
      processor: notice.processor.key,
      name: notice.name,
      service: notice.service,
      countries: [...notice.countries],
      engagedBy: notice.engagerKey ? { key: notice.engagerKey, name: notice.engagerName ?? notice.engagerKey } : null,
      effectiveFrom: notice.effectiveFrom.toISOString(),
      summary: describeChange(notice),
    })),
  };
}
