import type { EntityClass, EntityData } from '@mikro-orm/core';
import { CollectionPoint } from '../collection-point/collection-point.entity';
import { parentKeyOf } from '../common/keys';
import { RegistryEntity } from '../common/registry.entity';
import { Consent } from '../consent/consent.entity';
import { ALL_REGIMES, Regime } from '../country/regime';
import { CookieCategory } from '../cookie/cookie-category.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { DataSubjectType } from '../data-subject/data-subject-type.entity';
import { Organization } from '../organization/organization.entity';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RecipientCategory } from '../recipient/recipient-category.entity';
import { RetentionRule } from '../retention/retention-rule.entity';
import { DataSubjectRight } from '../rights/data-subject-right.entity';
import { SecurityMeasure } from '../security-measure/security-measure.entity';
import type { Manifest } from './manifest.schema';

type ListSection = Exclude<keyof Manifest, 'apiVersion' | 'organization'>;
type EntryOf<S extends ListSection> = Manifest[S][number];

/** A manifest key field that names another entity, so that apply can check it exists. */
export interface Reference {
  field: string;
  section: ListSection | 'countries';
  many: boolean;
}

/**
 * How one manifest section maps to its entity. Apply, export and diff all go through these descriptors,
 * so a section is described once.
 */
export interface Section<S extends ListSection = ListSection, E extends RegistryEntity = RegistryEntity> {
  name: S;
  entity: EntityClass<E>;
  /** Relations to load before an entity can be written back as a manifest entry. */
  populate: string[];
  references: Reference[];
  /** Hierarchical sections take their parent from the key (`contact.email` -> `contact`). */
  hierarchical: boolean;
  toEntry(entity: E): EntryOf<S>;
  toData(entry: EntryOf<S>): EntityData<E>;
}

const keysOf = (items: { getItems(): { key: string }[] }) => items.getItems().map((item) => item.key);
const keyOf = (ref: { key: string } | null | undefined) => ref?.key ?? null;
const nullable = <T>(value: T | null | undefined): T | null => value ?? null;
const base = (entity: RegistryEntity) => ({
  key: entity.key,
  name: entity.name,
  description: nullable(entity.description),
  source: nullable(entity.source),
  assumed: nullable(entity.assumed),
});
const baseData = (entry: { key: string; name: string; description?: string | null; source?: string | null; assumed?: string | null }) => ({
  key: entry.key,
  name: entry.name,
  description: entry.description ?? null,
  source: entry.source ?? null,
  assumed: entry.assumed ?? null,
});

function section<S extends ListSection, E extends RegistryEntity>(definition: Section<S, E>): Section<S, E> {
  return definition;
}

function plainSection<S extends 'consents' | 'securityMeasures'>(
  name: S,
  entity: EntityClass<RegistryEntity>,
) {
  return section({
    name,
    entity,
    populate: [],
    references: [],
    hierarchical: false,
    toEntry: base,
    toData: baseData,
  });
}

/** Processors: also the shape of a processor's audit snapshot. */
export const processorSection = section({
  name: 'processors',
  entity: Processor,
  populate: ['dataCategories', 'activities', 'locations', 'locations.safeguards'],
  references: [
    { field: 'headquarters', section: 'countries', many: false },
    { field: 'dataCategories', section: 'dataCategories', many: true },
    { field: 'activities', section: 'activities', many: true },
  ],
  hierarchical: false,
  toEntry: (p: Processor) => ({
    ...base(p),
    legalName: nullable(p.legalName),
    service: p.service,
    website: nullable(p.website),
    headquarters: p.headquarters.code,
    dpaReference: nullable(p.dpaReference),
    status: p.status,
    statusReason: nullable(p.statusReason),
    dataCategories: keysOf(p.dataCategories),
    activities: keysOf(p.activities),
    locations: p.locations.getItems().map((l) => ({
      country: l.country.code,
      mechanism: nullable(l.mechanism),
      reference: nullable(l.reference),
      dpf: l.dpf,
      // The EU_GDPR safeguard is the location's own fields above; the others follow, in regime order.
      safeguards: l.safeguards
        .getItems()
        .filter((s) => s.regime !== Regime.EU_GDPR)
        .sort((a, b) => ALL_REGIMES.indexOf(a.regime) - ALL_REGIMES.indexOf(b.regime))
        .map((s) => ({ regime: s.regime, mechanism: nullable(s.mechanism), reference: nullable(s.reference), dpf: s.dpf })),
    })),
    subjectToGdpr: nullable(p.subjectToGdpr),
  }),
  toData: (e) => ({
    ...baseData(e),
    legalName: e.legalName ?? null,
    service: e.service,
    website: e.website ?? null,
    headquarters: e.headquarters,
    dpaReference: e.dpaReference ?? null,
    status: e.status,
    statusReason: e.statusReason ?? null,
    dataCategories: e.dataCategories,
    activities: e.activities,
    subjectToGdpr: e.subjectToGdpr ?? null,
  }),
});

export const sections = [
  section({
    name: 'dataCategories',
    entity: DataCategory,
    populate: [],
    references: [],
    hierarchical: true,
    toEntry: (c: DataCategory) => ({ ...base(c), examples: [...c.examples], specialCategory: c.specialCategory }),
    toData: (e) => ({ ...baseData(e), examples: e.examples, specialCategory: e.specialCategory, parent: parentKeyOf(e.key) }),
  }),
  section({
    name: 'dataSubjectTypes',
    entity: DataSubjectType,
    populate: [],
    references: [],
    hierarchical: false,
    toEntry: (t: DataSubjectType) => ({ ...base(t), contract: nullable(t.contract) }),
    toData: (e) => ({ ...baseData(e), contract: e.contract ?? null }),
  }),
  plainSection('consents', Consent),
  plainSection('securityMeasures', SecurityMeasure),
  section({
    name: 'collectionPoints',
    entity: CollectionPoint,
    populate: ['categories'],
    references: [{ field: 'categories', section: 'dataCategories', many: true }],
    hierarchical: false,
    toEntry: (p: CollectionPoint) => ({ ...base(p), automatic: p.automatic, categories: keysOf(p.categories) }),
    toData: (e) => ({ ...baseData(e), automatic: e.automatic, categories: e.categories }),
  }),
  section({
    name: 'purposes',
    entity: Purpose,
    populate: [],
    references: [],
    hierarchical: true,
    toEntry: base,
    toData: (e) => ({ ...baseData(e), parent: parentKeyOf(e.key) }),
  }),
  section({
    name: 'retentionRules',
    entity: RetentionRule,
    populate: [],
    references: [],
    hierarchical: false,
    toEntry: (r: RetentionRule) => ({
      ...base(r),
      duration: nullable(r.duration),
      startsAt: r.startsAt,
      until: nullable(r.until),
      reason: r.reason,
      legalClaims: r.legalClaims,
    }),
    toData: (e) => ({ ...baseData(e), duration: e.duration ?? null, startsAt: e.startsAt, until: e.until ?? null, reason: e.reason, legalClaims: e.legalClaims }),
  }),
  section({
    name: 'cookieCategories',
    entity: CookieCategory,
    populate: [],
    references: [{ field: 'consent', section: 'consents', many: false }],
    hierarchical: false,
    toEntry: (c: CookieCategory) => ({ ...base(c), duration: nullable(c.duration), consent: keyOf(c.consent) }),
    toData: (e) => ({ ...baseData(e), duration: e.duration ?? null, consent: e.consent ?? null }),
  }),
  section({
    name: 'rights',
    entity: DataSubjectRight,
    populate: [],
    references: [],
    hierarchical: false,
    toEntry: (r: DataSubjectRight) => ({
      ...base(r),
      article: r.article,
      responseDays: nullable(r.responseDays),
      deadline: nullable(r.deadline),
      extendableBy: nullable(r.extendableBy),
    }),
    toData: (e) => ({
      ...baseData(e),
      article: e.article,
      responseDays: e.responseDays ?? null,
      deadline: e.deadline ?? null,
      extendableBy: e.extendableBy ?? null,
    }),
  }),
  section({
    name: 'activities',
    entity: ProcessingActivity,
    populate: ['dataCategories', 'subjectTypes', 'collectionPoints', 'securityMeasures'],
    references: [
      { field: 'purpose', section: 'purposes', many: false },
      { field: 'requiredConsent', section: 'consents', many: false },
      { field: 'retention', section: 'retentionRules', many: false },
      { field: 'dataCategories', section: 'dataCategories', many: true },
      { field: 'subjectTypes', section: 'dataSubjectTypes', many: true },
      { field: 'collectionPoints', section: 'collectionPoints', many: true },
      { field: 'securityMeasures', section: 'securityMeasures', many: true },
    ],
    hierarchical: false,
    toEntry: (a: ProcessingActivity) => ({
      ...base(a),
      purpose: a.purpose.key,
      legalBasis: a.legalBasis,
      legitimateInterest: nullable(a.legitimateInterest),
      requiredConsent: keyOf(a.requiredConsent),
      retention: keyOf(a.retention),
      dataCategories: keysOf(a.dataCategories),
      subjectTypes: keysOf(a.subjectTypes),
      collectionPoints: keysOf(a.collectionPoints),
      securityMeasures: keysOf(a.securityMeasures),
      specialCategoryCondition: nullable(a.specialCategoryCondition),
      children: a.children,
      dpiaCriteria: [...a.dpiaCriteria],
      monitorsPublicArea: a.monitorsPublicArea,
      dpia: nullable(a.dpia),
      legalObligation: a.legalObligation,
    }),
    toData: (e) => ({
      ...baseData(e),
      purpose: e.purpose,
      legalBasis: e.legalBasis,
      legitimateInterest: e.legitimateInterest ?? null,
      requiredConsent: e.requiredConsent ?? null,
      retention: e.retention ?? null,
      dataCategories: e.dataCategories,
      subjectTypes: e.subjectTypes,
      collectionPoints: e.collectionPoints,
      securityMeasures: e.securityMeasures,
      specialCategoryCondition: e.specialCategoryCondition ?? null,
      children: e.children,
      dpiaCriteria: e.dpiaCriteria,
      monitorsPublicArea: e.monitorsPublicArea ?? false,
      dpia: e.dpia ?? null,
      legalObligationLaw: e.legalObligation?.law ?? null,
      legalObligationJurisdiction: e.legalObligation?.jurisdiction ?? null,
    }),
  }),
  processorSection,
  // After activities, which recipient categories name.
  section({
    name: 'recipientCategories',
    entity: RecipientCategory,
    populate: [],
    references: [{ field: 'activities', section: 'activities', many: true }],
    hierarchical: false,
    toEntry: (r: RecipientCategory) => ({ ...base(r), condition: r.condition, activities: [...r.activities] }),
    toData: (e) => ({ ...baseData(e), condition: e.condition, activities: e.activities }),
  }),
] as const;

export const organizationSection = {
  entity: Organization,
  toEntry: (o: Organization) => ({
    ...base(o),
    legalName: o.legalName,
    email: o.email,
    phone: nullable(o.phone),
    address: o.address,
    country: o.country.code,
    dpo: { name: o.dpoName, email: o.dpoEmail, designated: o.dpoDesignated },
    representative: o.representative,
    ukRepresentative: o.ukRepresentative,
    swissRepresentative: o.swissRepresentative,
    rightsResponseDays: o.rightsResponseDays,
    breachNotificationHours: o.breachNotificationHours,
    policyUpdatedOn: o.policyUpdatedOn,
    changeNotice: nullable(o.changeNotice),
  }),
  toData: (e: NonNullable<Manifest['organization']>): EntityData<Organization> => ({
    ...baseData(e),
    legalName: e.legalName,
    email: e.email,
    phone: e.phone ?? null,
    address: e.address,
    country: e.country,
    dpoName: e.dpo.name,
    dpoEmail: e.dpo.email,
    dpoDesignated: e.dpo.designated,
    representativeName: e.representative?.name ?? null,
    representativeContact: e.representative?.contact ?? null,
    ukRepresentativeName: e.ukRepresentative?.name ?? null,
    ukRepresentativeContact: e.ukRepresentative?.contact ?? null,
    swissRepresentativeName: e.swissRepresentative?.name ?? null,
    swissRepresentativeContact: e.swissRepresentative?.contact ?? null,
    rightsResponseDays: e.rightsResponseDays,
    breachNotificationHours: e.breachNotificationHours,
    policyUpdatedOn: e.policyUpdatedOn,
    changeNotice: e.changeNotice ?? null,
  }),
};
