import { z } from 'zod';
import { KEY_PATTERN } from '../common/keys';
import { DpiaCriterion } from '../processing-activity/dpia-criterion';
import { LegalBasis } from '../processing-activity/legal-basis';
import { ProcessorStatus } from '../processor/processor.entity';
import { TransferMechanism } from '../processor/transfer-mechanism';
import { RetentionEvent } from '../retention/retention-rule.entity';

/**
 * The declarative manifest format: the seeded map and engineers' pull requests both use it.
 * Every section is optional, so a manifest may hold just the processors it adds.
 */
const key = z.string().regex(KEY_PATTERN, 'must be a lowercase slug of letters and digits, separated by "." or "-"');
const keys = z.array(key).default([]);
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

export const organizationSchema = z.object({
  ...entry,
  legalName: text,
  email: text,
  phone: optionalText,
  address: text,
  country: countryCode,
  /** `designated: false` when the person is a privacy contact, not a DPO designated under Art. 37. */
  dpo: z.object({ name: text, email: text, designated: z.boolean().default(true) }),
  /** The representative in the Union (Art. 27); null when none is recorded. */
  representative: z.object({ name: text, contact: optionalText }).nullish(),
  rightsResponseDays: z.number().int().positive(),
  breachNotificationHours: z.number().int().positive(),
  policyUpdatedOn: isoDate,
});

export const dataCategorySchema = z.object({
  ...entry,
  examples: z.array(text).default([]),
  specialCategory: z.boolean().default(false),
});

export const plainEntrySchema = z.object(entry);

export const collectionPointSchema = z.object({
  ...entry,
  automatic: z.boolean().default(false),
  categories: keys,
});

export const retentionRuleSchema = z.object({
  ...entry,
  duration: isoPeriod.nullish(),
  startsAt: z.nativeEnum(RetentionEvent),
  until: z.nativeEnum(RetentionEvent).nullish(),
  reason: text,
});

export const cookieCategorySchema = z.object({
  ...entry,
  duration: isoPeriod.nullish(),
  consent: key.nullish(),
});

export const rightSchema = z.object({
  ...entry,
  article: text,
  /** The policy's promise, in days; null where no response is owed (a complaint). */
  responseDays: z.number().int().positive().nullish(),
  /** The statutory deadline from receipt, such as "P1M" (Art. 12(3)), and how far it may be extended ("P2M"). */
  deadline: isoPeriod.nullish(),
  extendableBy: isoPeriod.nullish(),
});

export const recipientCategorySchema = z.object({
  ...entry,
  condition: text,
  /** The activities whose data they may receive; empty for every activity. */
  activities: keys,
});

export const activitySchema = z.object({
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
  dpiaCriteria: z.array(z.nativeEnum(DpiaCriterion)).default([]),
  /** Reference to the DPIA carried out (Art. 35). */
  dpia: optionalText,
});

export const locationSchema = z.object({
  country: countryCode,
  mechanism: z.nativeEnum(TransferMechanism).nullish(),
  reference: optionalText,
  /** For ADEQUACY_DECISION in the US: the recipient's DPF List entry and when to check it next. */
  dpf: z.object({ certification: optionalText, reviewDue: isoDate.nullish() }).nullish(),
});

export const processorSchema = z.object({
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
  locations: z.array(locationSchema).default([]),
});

export const manifestSchema = z
  .object({
    apiVersion: z.literal('datamap/v1'),
    organization: organizationSchema.optional(),
    dataCategories: z.array(dataCategorySchema).default([]),
    dataSubjectTypes: z.array(plainEntrySchema).default([]),
    consents: z.array(plainEntrySchema).default([]),
    collectionPoints: z.array(collectionPointSchema).default([]),
    purposes: z.array(plainEntrySchema).default([]),
    securityMeasures: z.array(plainEntrySchema).default([]),
    retentionRules: z.array(retentionRuleSchema).default([]),
    cookieCategories: z.array(cookieCategorySchema).default([]),
    rights: z.array(rightSchema).default([]),
    recipientCategories: z.array(recipientCategorySchema).default([]),
    activities: z.array(activitySchema).default([]),
    processors: z.array(processorSchema).default([]),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestProcessor = z.infer<typeof processorSchema>;
export type ManifestActivity = z.infer<typeof activitySchema>;
