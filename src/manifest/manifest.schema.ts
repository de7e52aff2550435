import { z } from 'zod';
import { isCalendarDate } from '../common/calendar-date';
import { KEY_PATTERN, MAX_KEY_LENGTH } from '../common/keys';
import { Regime } from '../country/regime';
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
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => isCalendarDate(value), (value) => ({ message: `"${value}" is not a real calendar date` }));
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
  /** The representative in the United Kingdom (UK GDPR Art. 27). */
  ukRepresentative: z.strictObject({ name: text, contact: optionalText }).nullish(),
  /** The representative in Switzerland (FADP Art. 14). */
  swissRepresentative: z.strictObject({ name: text, contact: optionalText }).nullish(),
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

export const dataSubjectTypeSchema = z.strictObject({
  ...entry,
  /** True when people of this type have a contract with the controller (Art. 6(1)(b)); false when they have none. */
  contract: z.boolean().nullish(),
});

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
  legalClaims: z.boolean().default(false),
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
  /** True when the activity monitors a publicly accessible area (Art. 35(3)(c), with LARGE_SCALE and SYSTEMATIC_MONITORING). */
  monitorsPublicArea: z.boolean().nullish(),
  /** Reference to the DPIA carried out (Art. 35). */
  dpia: optionalText,
  /** For LEGAL_OBLIGATION: the law that lays the obligation down (Art. 6(3)), and whose law it is: "EU" or a country code. */
  legalObligation: z
    .strictObject({ law: text, jurisdiction: z.string().regex(/^(EU|[A-Z]{2})$/, 'must be "EU" or an ISO 3166-1 alpha-2 code such as "DE"').nullish() })
    .nullish(),
});

/** For ADEQUACY_DECISION in the US: the recipient's DPF List entry and when to check it next. */
const dpfSchema = z.strictObject({ certification: optionalText, reviewDue: isoDate.nullish() }).nullish();

/** What a location rests on under one regime. */
export const safeguardSchema = z.strictObject({
  regime: z.nativeEnum(Regime),
  mechanism: z.nativeEnum(TransferMechanism).nullish(),
  reference: optionalText,
  dpf: dpfSchema,
});

/** A location: its own mechanism, reference and dpf are its EU_GDPR safeguard; `safeguards` holds the UK and Swiss ones. */
export const locationSchema = z.strictObject({
  country: countryCode,
  mechanism: z.nativeEnum(TransferMechanism).nullish(),
  reference: optionalText,
  dpf: dpfSchema,
  safeguards: z.array(safeguardSchema).nullish(),
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
  /** True when the processor is itself subject to the GDPR under Art. 3(2). */
  subjectToGdpr: z.boolean().nullish(),
});

/** Each list section's entry, complete: what a new entry must give, and what an export writes. */
export const entrySchemas = {
  dataCategories: dataCategorySchema,
  dataSubjectTypes: dataSubjectTypeSchema,
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
