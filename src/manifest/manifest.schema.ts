import { z } from 'zod';
import { KEY_PATTERN, MAX_KEY_LENGTH } from '../common/keys';
import { LegalBasis } from '../processing-activity/legal-basis';
import { ProcessorStatus } from '../processor/processor.entity';
import { TransferMechanism } from '../processor/transfer-mechanism';
import { RetentionEvent } from '../retention/retention-rule.entity';

/**
 * The declarative manifest format: the seeded map and engineers' pull requests both use it.
 * Every section is optional, so a manifest may hold just the processors it adds.
 */
const key = z.string().max(MAX_KEY_LENGTH).regex(KEY_PATTERN, 'must be a lowercase slug of letters and digits, separated by "." or "-"');
const keys = z.array(key).default([]);
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "DE"');
const isoPeriod = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'must be an ISO-8601 period such as "P3Y"');
const text = z.string().trim().min(1, 'must not be empty');
const optionalText = z.string().trim().min(1, 'must not be empty').nullish();

const entry = { key, name: text, description: optionalText };

export const organizationSchema = z.object({
  ...entry,
  legalName: text,
  email: text,
  phone: optionalText,
  address: text,
  country: countryCode,
  dpo: z.object({ name: text, email: text }),
  rightsResponseDays: z.number().int().positive(),
  breachNotificationHours: z.number().int().positive(),
  policyUpdatedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
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
  responseDays: z.number().int().positive(),
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
});

export const locationSchema = z.object({
  country: countryCode,
  mechanism: z.nativeEnum(TransferMechanism).nullish(),
  reference: optionalText,
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
    activities: z.array(activitySchema).default([]),
    processors: z.array(processorSchema).default([]),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestProcessor = z.infer<typeof processorSchema>;
export type ManifestActivity = z.infer<typeof activitySchema>;
