import { z } from 'zod';
import { KEY_PATTERN, MAX_KEY_LENGTH } from '../common/keys';
import { DpiaCriterion } from '../processing-activity/dpia-criterion';
import { LegalBasis } from '../processing-activity/legal-basis';
import { ProcessorStatus } from '../processor/processor.entity';
import { TransferMechanism } from '../processor/transfer-mechanism';
import { RetentionEvent } from '../retention/retention-rule.entity';

/**
 * The declarative manifest format: the seeded map and engineers' pull requests both use it.
 * Every section is optional, so a manifest may hold just the processors it adds.
 */
const key = z.string().max(MAX_KEY_LENGTH).regex(KEY_PATTERN, 'must be a lowercase slug of letters and digits, separated by "." or "-"');
/** A list field: absent means [] in a new entry (and "keep" in a stored one), null clears it like []. */
const listOf = <T extends z.ZodTypeAny>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((items) => items ?? []);
const keys = listOf(key);
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "DE"');
const isoPeriod = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'must be an ISO-8601 period such as "P3Y"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const text = z.string().trim().min(1, 'must not be empty');
const optionalText = z.string().trim().min(1, 'must not be empty').nullish();

/**
 * `source` names the policy section that states the entry; `assumed` says what the entry assumes beyond the
 * policy, and why. The record of processing marks assumed values.
 */
const entry = { key, name: text, description: optionalText, source: optionalText, assumed: optionalText };

export const organizationSchema = z.strictObject({
  ...entry,
  legalName: text,
  email: text,
  phone: optionalText,
  address: text,
  country: countryCode,
  /** `designated: false` when the person is a privacy contact, not a DPO designated under Art. 37. */
  dpo: z.strictObject({ name: text, email: text, designated: z.boolean().default(true) }),
  /** The representative in the Union (Art. 27); null when none is recorded. */
  representative: z.strictObject({ name: text, contact: optionalText }).nullish(),
  rightsResponseDays: z.number().int().positive(),
  breachNotificationHours: z.number().int().positive(),
  policyUpdatedOn: isoDate,
  /** The policy's promise of notice of material changes, quoted on the public list of recipients. */
  changeNotice: optionalText,
});

export const dataCategorySchema = z.strictObject({
  ...entry,
  examples: listOf(text),
  specialCategory: z.boolean().default(false),
});

export const plainEntrySchema = z.strictObject(entry);

export const collectionPointSchema = z.strictObject({
  ...entry,
  automatic: z.boolean().default(false),
  categories: keys,
});

export const retentionRuleSchema = z.strictObject({
  ...entry,
  duration: isoPeriod.nullish(),
  startsAt: z.nativeEnum(RetentionEvent),
  until: z.nativeEnum(RetentionEvent).nullish(),
  reason: text,
});

export const cookieCategorySchema = z.strictObject({
  ...entry,
  duration: isoPeriod.nullish(),
  consent: key.nullish(),
});

export const rightSchema = z.strictObject({
  ...entry,
  article: text,
  /** The policy's promise, in days; null where no response is owed (a complaint). */
  responseDays: z.number().int().positive().nullish(),
  /** The statutory deadline from receipt, such as "P1M" (Art. 12(3)), and how far it may be extended ("P2M"). */
  deadline: isoPeriod.nullish(),
  extendableBy: isoPeriod.nullish(),
});

export const recipientCategorySchema = z.strictObject({
  ...entry,
  condition: text,
  /** The activities whose data they may receive; empty for every activity. */
  activities: keys,
});

export const activitySchema = z.strictObject({
  ...entry,
  purpose: key,
  legalBasis: z.nativeEnum(LegalBasis),
  legitimateInterest: optionalText,
  requiredConsent: key.nullish(),
  retention: key.nullish(),
  dataCategories: keys,
  subjectTypes: keys,
  collectionPoints: keys,
  securityMeasures: keys,
  /** The Art. 9(2) condition, where the activity uses a special category. */
  specialCategoryCondition: optionalText,
  /** True when the activity processes children's data. */
  children: z.boolean().default(false),
  dpiaCriteria: listOf(z.nativeEnum(DpiaCriterion)),
  /** Reference to the DPIA carried out (Art. 35). */
  dpia: optionalText,
});

export const locationSchema = z.strictObject({
  country: countryCode,
  mechanism: z.nativeEnum(TransferMechanism).nullish(),
  reference: optionalText,
  /** For ADEQUACY_DECISION in the US: the recipient's DPF List entry and when to check it next. */
  dpf: z.strictObject({ certification: optionalText, reviewDue: isoDate.nullish() }).nullish(),
});

export const processorSchema = z.strictObject({
  ...entry,
  legalName: optionalText,
  service: text,
  website: optionalText,
  headquarters: countryCode,
  dpaReference: optionalText,
  status: z.nativeEnum(ProcessorStatus).default(ProcessorStatus.PROPOSED),
  statusReason: optionalText,
  dataCategories: keys,
  activities: keys,
  locations: listOf(locationSchema),
});

/** Each list section's entry, complete: what a new entry must give, and what an export writes. */
export const entrySchemas = {
  dataCategories: dataCategorySchema,
  dataSubjectTypes: plainEntrySchema,
  consents: plainEntrySchema,
  collectionPoints: collectionPointSchema,
  purposes: plainEntrySchema,
  securityMeasures: plainEntrySchema,
  retentionRules: retentionRuleSchema,
  cookieCategories: cookieCategorySchema,
  rights: rightSchema,
  recipientCategories: recipientCategorySchema,
  activities: activitySchema,
  processors: processorSchema,
} as const;

type EntrySchemas = typeof entrySchemas;

function manifestOf<T extends z.ZodRawShape>(sections: T, organization: z.ZodTypeAny) {
  return z.strictObject({ apiVersion: z.literal('datamap/v1'), organization: organization.optional(), ...sections });
}

const sectionsOf = <S extends z.ZodTypeAny>(entry: (schema: EntrySchemas[keyof EntrySchemas]) => S) =>
  Object.fromEntries(Object.entries(entrySchemas).map(([name, schema]) => [name, z.array(entry(schema)).default([])]));

/** An entry as a manifest gives it: only the key is required. A field left out keeps its stored value. */
const partialEntry = <T extends z.AnyZodObject>(schema: T) => schema.partial().required({ key: true } as never) as z.ZodObject<T['shape']>;

// The sections are built from `entrySchemas` in one place, which zod's types cannot follow through
// `Object.fromEntries`: the types `Manifest` and `ManifestInput` below state what the schemas produce.

/** A complete map, as export writes it and lint and the RoPA read it. */
export const manifestSchema = manifestOf(sectionsOf((schema) => schema), organizationSchema) as unknown as z.ZodType<Manifest, z.ZodTypeDef, unknown>;

/** A manifest as written: every section optional, and in each entry every field but the key (see `completeManifest`). */
export const manifestInputSchema = manifestOf(sectionsOf(partialEntry), partialEntry(organizationSchema)) as unknown as z.ZodType<
  ManifestInput,
  z.ZodTypeDef,
  unknown
>;

export type Manifest = {
  apiVersion: 'datamap/v1';
  organization?: z.infer<typeof organizationSchema>;
} & { [S in keyof EntrySchemas]: z.infer<EntrySchemas[S]>[] };

/** What a manifest file gives: every field but `key` may be left out. */
export type ManifestInput = {
  apiVersion: 'datamap/v1';
  organization?: Partial<z.infer<typeof organizationSchema>> & { key: string };
} & { [S in keyof EntrySchemas]: (Partial<z.infer<EntrySchemas[S]>> & { key: string })[] };

export type ManifestProcessor = z.infer<typeof processorSchema>;
export type ManifestActivity = z.infer<typeof activitySchema>;
