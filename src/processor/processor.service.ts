import { isDeepStrictEqual } from 'node:util';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../audit/audit.service';
import { ACCESS } from '../auth/access';
import type { Role } from '../auth/viewer';
import { badInput, conflict, forbidden, notFound, ValidationFailed } from '../common/errors';
import { DEFAULT_TRANSFER_SETTINGS, type TransferSettings } from '../common/context';
import { utcDate } from '../common/calendar-date';
import { loadStandings } from '../country/country.standing';
import { Regime } from '../country/regime';
import { DataCategory } from '../data-category/data-category.entity';
import { readTogether } from '../db/read-together';
import { FindingSeverity, lintProcessor } from '../findings/findings.rules';
import { processorSection } from '../manifest/manifest.sections';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { announceRecipientChange, RecipientNoticeKind, type RecipientChangeNotice } from '../subprocessor/recipient-notice.entity';
import { LocationSafeguard } from './location-safeguard.entity';
import { ProcessingLocation } from './processing-location.entity';
import { Processor, ProcessorStatus } from './processor.entity';
import type { RegisterProcessorInput, UpdateProcessorInput } from './processor.inputs';
import { checkProcessor, headquartersProblem, referencedKeys, type CheckedLocation, type Engagement, type ProcessorFields } from './processor.validation';
import { RecipientRole } from './recipient-role';
import { nextStatus, type Transition } from './processor.workflow';
import { loadTransferRecords } from './transfer-impact-assessment.service';

const RELATIONS = ['locations', 'locations.safeguards', 'dataCategories', 'activities', 'engagedBy'] as const;

/** The processor as the audit trail keeps it: its manifest entry, lists in key order. */
export function processorSnapshot(processor: Processor) {
  const entry = processorSection.toEntry(processor);
  return {
    ...entry,
    dataCategories: [...entry.dataCategories].sort(),
    activities: [...entry.activities].sort(),
    locations: [...entry.locations].sort((a, b) => a.country.localeCompare(b.country)),
  };
}

/** Every recipient's engagement as stored: what a chain is checked against. */
export async function storedEngagements(em: EntityManager): Promise<Map<string, Engagement>> {
  const rows = await em
    .getConnection()
    .execute<{ key: string; role: RecipientRole; engagedBy: string | null }[]>(
      'select key, role, engaged_by_key as "engagedBy" from processor',
      [],
      'all',
      em.getTransactionContext(),
    );
  return new Map(rows.map((row) => [row.key, { role: row.role, engagedBy: row.engagedBy }]));
}

/**
 * Checks a processor input against the database with the registry's rules (`checkProcessor`, which manifests
 * use too), loading what it refers to in one query per kind. Throws every problem at once as BAD_USER_INPUT.
 */
async function checkAgainstDatabase(em: EntityManager, input: ProcessorFields): Promise<CheckedLocation[]> {
  const wanted = referencedKeys(input);
  const [countries, categories, activities, engagements] = await Promise.all([
    loadStandings(em, wanted.countries),
    wanted.categories.length ? em.find(DataCategory, { key: { $in: wanted.categories } }, { fields: ['key'] }) : [],
    wanted.activities.length ? em.find(ProcessingActivity, { key: { $in: wanted.activities } }, { fields: ['key'] }) : [],
    storedEngagements(em),
  ]);
  if (input.key) engagements.set(input.key, { role: input.role ?? RecipientRole.PROCESSOR, engagedBy: input.engagedBy ?? null });
  const byCode = countries;
  const categoryKeys = new Set(categories.map((c) => c.key));
  const activityKeys = new Set(activities.map((a) => a.key));
  const { problems, locations } = checkProcessor(
    input,
    { country: (code) => byCode.get(code), hasCategory: (k) => categoryKeys.has(k), hasActivity: (k) => activityKeys.has(k), engagements },
    'input',
  );
  if (problems.length > 0) throw new ValidationFailed(problems);
  return locations;
}

/** The stored columns of one safeguard. */
const safeguardData = (safeguard: Pick<CheckedLocation, 'mechanism' | 'reference' | 'dpf'>) => ({
  mechanism: safeguard.mechanism,
  reference: safeguard.reference,
  dpfCertification: safeguard.dpf?.certification ?? null,
  dpfReviewDue: safeguard.dpf?.reviewDue ?? null,
});

/**
 * Makes a processor's locations exactly `wanted`: keeps, updates, adds and removes by country, and each
 * location's safeguards by regime. The EU_GDPR safeguard is written twice, on the location (which the flow
 * statement reads) and as a safeguard row; a safeguard that changes records when (`changedAt`), which makes an
 * older transfer impact assessment stale. Given `notice` (the processor is a current recipient), a new country
 * goes through the public list's notice: it is announced, and data flows there only from its `effectiveFrom`.
 */
export function syncLocations(
  em: EntityManager,
  processor: Processor,
  wanted: readonly CheckedLocation[],
  notice?: RecipientChangeNotice | null,
  now = notice?.now ?? new Date(),
): void {
  const byCountry = new Map(processor.locations.getItems().map((l) => [l.country.code, l]));
  // A processor recorded without locations was listed at its headquarters: that country is not new.
  const current = new Set(byCountry.size > 0 ? byCountry.keys() : [processor.headquarters.code]);
  const added = wanted.map((l) => l.country).filter((country) => !current.has(country));
  const effectiveFrom =
    notice && added.length > 0
      ? announceRecipientChange(em, { kind: RecipientNoticeKind.COUNTRY_ADDED, processor, countries: added, notice })
      : null;
  for (const location of wanted) {
    const stored = byCountry.get(location.country);
    byCountry.delete(location.country);
    const data = safeguardData(location);
    let target: ProcessingLocation;
    if (stored) target = em.assign(stored, data);
    else {
      const pending = effectiveFrom && notice && notice.noticeDays > 0 && added.includes(location.country) ? effectiveFrom : null;
      target = em.create(ProcessingLocation, { processor, country: location.country, ...data, effectiveFrom: pending });
      processor.locations.add(target);
    }
    const recorded = location.mechanism != null || location.reference != null || location.dpf != null;
    syncSafeguards(em, target, [...(recorded ? [{ ...location, regime: Regime.EU_GDPR }] : []), ...location.safeguards], now);
  }
  for (const stale of byCountry.values()) processor.locations.remove(stale);
}

function syncSafeguards(em: EntityManager, location: ProcessingLocation, wanted: readonly (Pick<CheckedLocation, 'mechanism' | 'reference' | 'dpf'> & { regime: Regime })[], now: Date): void {
  const byRegime = new Map(location.safeguards.getItems().map((s) => [s.regime, s]));
  for (const safeguard of wanted) {
    const current = byRegime.get(safeguard.regime);
    byRegime.delete(safeguard.regime);
    const data = safeguardData(safeguard);
    if (!current) {
      location.safeguards.add(em.create(LocationSafeguard, { location, regime: safeguard.regime, ...data }));
    } else if (Object.entries(data).some(([field, value]) => (current as unknown as Record<string, unknown>)[field] !== value)) {
      em.assign(current, { ...data, changedAt: now });
    }
  }
  for (const stale of byRegime.values()) location.safeguards.remove(stale);
}

/** Whether the actor decides reviews (approveProcessor's roles), or is a tool acting for the operator (no token: the seed). */
export function mayDecideReview(actor: Actor | undefined): boolean {
  return actor?.viewer?.roles.some((role) => (ACCESS.Mutation.approveProcessor as readonly Role[]).includes(role)) ?? true;
}

const trimmedOrNull = (value: string | null | undefined) => value?.trim() || null;

const duplicateKey = (key: string) =>
  conflict(`input.key: a processor with key "${key}" already exists; choose another key or update that processor`, {
    field: 'input.key',
    value: key,
  });

/** Registers a processor as PROPOSED, with its locations and links, and audits it: all in one transaction. */
export async function registerProcessor(em: EntityManager, actor: Actor, input: RegisterProcessorInput): Promise<Processor> {
  const locations = await checkAgainstDatabase(em, input);
  try {
    return await em.transactional(async (tx) => {
      if ((await tx.count(Processor, { key: input.key })) > 0) throw duplicateKey(input.key);
      const processor = tx.create(Processor, {
        key: input.key,
        name: input.name.trim(),
        service: input.service.trim(),
        headquarters: input.headquarters.toUpperCase(),
        website: trimmedOrNull(input.website),
        dpaReference: trimmedOrNull(input.dpaReference),
        legalName: trimmedOrNull(input.legalName),
        description: trimmedOrNull(input.description),
        status: ProcessorStatus.PROPOSED,
        dataCategories: [...new Set(input.dataCategories)],
        activities: [...new Set(input.activities)],
        subjectToGdpr: input.subjectToGdpr ?? null,
        role: input.role ?? RecipientRole.PROCESSOR,
        engagedBy: input.engagedBy ?? null,
        jointArrangement: trimmedOrNull(input.jointArrangement),
        saleOrShare: input.saleOrShare ?? null,
        // The version and timestamps are set by the database.
      } as never);
      syncLocations(tx, processor, locations);
      recordAudit(tx, actor, {
        operation: 'registerProcessor',
        entityType: 'Processor',
        entityKey: processor.key,
        before: null,
        after: processorSnapshot(processor),
      });
      return processor;
    });
  } catch (error) {
    // Two registrations of one key can both pass the check above; the primary key lets exactly one through.
    if (error instanceof UniqueConstraintViolationException) throw duplicateKey(input.key);
    throw error;
  }
}

/**
 * An update as the registry checks it: a change of role or engager changes the parties of every transfer to the
 * processor, so its stored role, engagement, links and locations are checked with the change; fields it does not
 * touch keep their stored values. An unknown key is left to the update to report.
 */
async function withStoredEngagement(em: EntityManager, key: string, input: UpdateProcessorInput): Promise<ProcessorFields> {
  const touches = input.role != null || input.engagedBy !== undefined || input.jointArrangement !== undefined || input.saleOrShare !== undefined;
  if (!touches) return { ...input, key };
  const stored = await em.fork().findOne(Processor, { key }, { populate: RELATIONS });
  if (!stored) return { ...input, key };
  const entry = processorSection.toEntry(stored);
  return {
    ...input,
    key,
    role: input.role ?? entry.role,
    engagedBy: input.engagedBy !== undefined ? input.engagedBy : entry.engagedBy,
    jointArrangement: input.jointArrangement !== undefined ? input.jointArrangement : entry.jointArrangement,
    saleOrShare: input.saleOrShare !== undefined ? input.saleOrShare : entry.saleOrShare,
    headquarters: input.headquarters ?? entry.headquarters,
    locations: input.locations ?? entry.locations,
    activities: input.activities ?? entry.activities,
    dataCategories: input.dataCategories ?? entry.dataCategories,
  };
}

async function loadForChange(tx: EntityManager, key: string): Promise<Processor> {
  const processor = await tx.findOne(Processor, { key }, { populate: RELATIONS });
  if (!processor) throw notFound(`key: no processor has key "${key}"`, { field: 'key', value: key });
  return processor;
}

const staleVersion = (key: string, expected: number, current: number | undefined) =>
  conflict(
    `expectedVersion: processor "${key}" is at version ${current ?? 'unknown'}, not ${expected}; ` +
      `reload it and apply your change to the current version`,
    { field: 'expectedVersion', value: expected, currentVersion: current },
  );

/** Re-reads the current version after a concurrent change won the race, so the CONFLICT can name it. */
async function currentVersion(em: EntityManager, key: string): Promise<number | undefined> {
  const row = await em.fork().findOne(Processor, { key }, { fields: ['version'] });
  return row?.version;
}

/**
 * Applies the fields an update gives, with optimistic locking: `expectedVersion` must be the current version.
 * An engineer may change a processor only while it awaits review; a privacy officer may change it at any time.
 */
export async function updateProcessor(
  em: EntityManager,
  actor: Actor,
  key: string,
  expectedVersion: number,
  input: UpdateProcessorInput,
  notice: RecipientChangeNotice = { now: new Date(), noticeDays: 0 },
): Promise<Processor> {
  const locations = await checkAgainstDatabase(em, await withStoredEngagement(em, key, input));
  try {
    return await em.transactional(async (tx) => {
      const processor = await loadForChange(tx, key);
      if (!mayDecideReview(actor) && processor.status !== ProcessorStatus.PROPOSED) {
        throw forbidden(
          `processor "${key}" is ${processor.status}: an ENGINEER may update a processor only while it is PROPOSED; ` +
            `ask a PRIVACY_OFFICER to change it`,
          { field: 'key', value: key, status: processor.status },
        );
      }
      if (processor.version !== expectedVersion) throw staleVersion(key, expectedVersion, processor.version);

      const before = processorSnapshot(processor);
      tx.assign(processor, {
        ...(input.name != null ? { name: input.name.trim() } : {}),
        ...(input.service != null ? { service: input.service.trim() } : {}),
        ...(input.headquarters != null ? { headquarters: input.headquarters.toUpperCase() } : {}),
        ...(input.website !== undefined ? { website: trimmedOrNull(input.website) } : {}),
        ...(input.dpaReference !== undefined ? { dpaReference: trimmedOrNull(input.dpaReference) } : {}),
        ...(input.legalName !== undefined ? { legalName: trimmedOrNull(input.legalName) } : {}),
        ...(input.description !== undefined ? { description: trimmedOrNull(input.description) } : {}),
        ...(input.dataCategories != null ? { dataCategories: [...new Set(input.dataCategories)] } : {}),
        ...(input.activities != null ? { activities: [...new Set(input.activities)] } : {}),
        ...(input.subjectToGdpr !== undefined ? { subjectToGdpr: input.subjectToGdpr } : {}),
        ...(input.role != null ? { role: input.role } : {}),
        ...(input.engagedBy !== undefined ? { engagedBy: input.engagedBy ?? null } : {}),
        ...(input.jointArrangement !== undefined ? { jointArrangement: trimmedOrNull(input.jointArrangement) } : {}),
        ...(input.saleOrShare !== undefined ? { saleOrShare: input.saleOrShare } : {}),
      });
      if (input.locations != null) syncLocations(tx, processor, locations, processor.status === ProcessorStatus.ACTIVE ? notice : null);
      await assertJudgedAtHeadquarters(tx, processor);
      const after = processorSnapshot(processor);
      if (isDeepStrictEqual(before, after)) return processor;
      // Links and locations live in other tables: touching the row makes every change bump the version.
      processor.updatedAt = new Date();
      recordAudit(tx, actor, { operation: 'updateProcessor', entityType: 'Processor', entityKey: key, before, after });
      return processor;
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) throw staleVersion(key, expectedVersion, await currentVersion(em, key));
    throw error;
  }
}

/**
 * Refuses to make a processor ACTIVE when it would then have an ERROR finding (no DPA, a transfer without a valid
 * mechanism, a lapsed certification, a derogation for regular transfers, ...): the findings rules judge it with the
 * same facts as `findingsOf` (its headquarters when it records no location, today's date, its assessments), so
 * review and lint never disagree.
 */
async function refuseWithErrorFindings(tx: EntityManager, processor: Processor, transition: Transition, now: Date, settings: TransferSettings): Promise<void> {
  const entry = { ...processorSection.toEntry(processor), status: ProcessorStatus.ACTIVE };
  const [countries, records] = await readTogether(tx, [
    () => loadStandings(tx, [entry.headquarters, ...entry.locations.map((l) => l.country)]),
    () => loadTransferRecords(tx, [processor.key]),
  ]);
  const engager = processor.engagedBy;
  const context = {
    engagerRoles: new Map(engager ? [[engager.key, engager.role]] : []),
    today: utcDate(now),
    servedRegimes: settings.servedRegimes as Regime[],
    dpfGraceDays: settings.dpfGraceDays,
    tiaReviewMonths: settings.tiaReviewMonths,
    records,
  };
  const errors = lintProcessor(entry, countries, context).filter((f) => f.severity === FindingSeverity.ERROR);
  if (errors.length === 0) return;
  throw badInput(
    `key: ${transition} refuses "${processor.key}": ACTIVE, it would break ` +
      errors.map((f) => `the rule ${f.rule} (${f.message}; fix: ${f.fix})`).join(', and '),
    { field: 'key', value: processor.key, rules: errors.map((f) => f.rule) },
  );
}


/** After an update, a processor left without locations is judged at its (possibly new) headquarters. */
async function assertJudgedAtHeadquarters(tx: EntityManager, processor: Processor): Promise<void> {
  if (processor.locations.length > 0) return;
  const headquarters = (await loadStandings(tx, [processor.headquarters.code])).get(processor.headquarters.code);
  const problem = headquartersProblem(headquarters, 'input.locations');
  if (problem) throw new ValidationFailed([problem]);
}

/** A review decision: approve (with an optional note), reject or retire (with a reason). Audited with both states. */
export async function transitionProcessor(
  em: EntityManager,
  actor: Actor,
  transition: Transition,
  key: string,
  reason: string | null | undefined,
  notice: RecipientChangeNotice = { now: new Date(), noticeDays: 0 },
  settings: TransferSettings = DEFAULT_TRANSFER_SETTINGS,
): Promise<Processor> {
  const reasonRequired = transition !== 'approveProcessor';
  const field = reasonRequired ? 'reason' : 'note';
  if (reasonRequired && !reason?.trim()) {
    throw badInput(`reason: ${transition} needs a reason; got ${JSON.stringify(reason ?? null)}`, { field, value: reason ?? null });
  }
  try {
    return await em.transactional(async (tx) => {
      const processor = await loadForChange(tx, key);
      const next = nextStatus(processor.status, transition);
      if ('refusal' in next) {
        throw badInput(`key: ${next.refusal}`, { field: 'key', value: key, status: processor.status });
      }
      if (next.to === ProcessorStatus.ACTIVE) await refuseWithErrorFindings(tx, processor, transition, notice.now, settings);
      const before = processorSnapshot(processor);
      tx.assign(processor, { status: next.to, statusReason: trimmedOrNull(reason) });
      // Every way a recipient starts or stops receiving data is an entry of the public list. A new recipient is
      // announced at once, and data flows to it only once the notice period has run.
      const countries = processor.locations.length > 0 ? processor.locations.getItems().map((l) => l.country.code) : [processor.headquarters.code];
      const kind = transition === 'approveProcessor' ? RecipientNoticeKind.ADDED : transition === 'retireProcessor' ? RecipientNoticeKind.RETIRED : null;
      const engager = processor.engagedBy ? await tx.findOneOrFail(Processor, processor.engagedBy.key) : null;
      const announced = kind ? announceRecipientChange(tx, { kind, processor, countries, notice, engager }) : null;
      const effectiveFrom = kind === RecipientNoticeKind.ADDED && notice.noticeDays > 0 ? announced! : undefined;
      if (effectiveFrom) processor.effectiveFrom = effectiveFrom;
      recordAudit(tx, actor, {
        operation: transition,
        entityType: 'Processor',
        entityKey: key,
        before,
        after: { ...processorSnapshot(processor), ...(effectiveFrom ? { effectiveFrom: effectiveFrom.toISOString() } : {}) },
      });
      return processor;
    });
  } catch (error) {
    // Two decisions on one processor at once: the version lets one through, the other sees a changed processor.
    if (error instanceof OptimisticLockError) {
      throw conflict(`key: processor "${key}" changed while ${transition} ran; reload it and decide again`, { field: 'key', value: key });
    }
    throw error;
  }
}
