import { lexicographicSortSchema, printSchema, type GraphQLInterfaceType, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { AgeGateResolver } from '../age-gate/age-gate.resolver';
import { AgePolicyResolver } from '../age-policy/age-policy.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { BreachImpactResolver, BreachResidenceResolver, BreachResolver, ScheduledRecipientResolver } from '../breach/breach.resolver';
import { SupervisoryAuthorityResolver } from '../supervisory-authority/supervisory-authority.resolver';
import { ProcessorChangeNoticeResolver } from '../processor/processor-change-notice.resolver';
import { CollectionPoint } from '../collection-point/collection-point.entity';
import { CollectionPointResolver } from '../collection-point/collection-point.resolver';
import { resolveNodeType } from '../common/node';
import { NodeResolver } from '../common/node.resolver';
import { registryQueries } from '../common/registry.resolver';
import { RecipientCategory } from '../recipient/recipient-category.entity';
import { Consent } from '../consent/consent.entity';
import { CookieCategory } from '../cookie/cookie-category.entity';
import { CookieCategoryResolver } from '../cookie/cookie-category.resolver';
import { CountryResolver } from '../country/country.resolver';
import { DataCategory } from '../data-category/data-category.entity';
import { DataCategoryResolver } from '../data-category/data-category.resolver';
import { DataFlowResolver, DataMapGraphResolver, TransferHopResolver, UserDataFlowResolver, UserDataFlowSummaryResolver } from '../data-flow/data-flow.resolver';
import { DataSubjectType } from '../data-subject/data-subject-type.entity';
import { EvidenceDataTypeResolver, EvidenceResolver, EvidenceVendorResolver, VendorResolver } from '../evidence/evidence.resolver';
import { FindingResolver } from '../findings/findings.resolver';
import { ManifestResolver } from '../manifest/manifest.resolver';
import { OrganizationResolver } from '../organization/organization.resolver';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { ProcessingActivityResolver } from '../processing-activity/processing-activity.resolver';
import { Processor } from '../processor/processor.entity';
import { ProcessingLocationResolver, ProcessorResolver, TransferImpactAssessmentResolver } from '../processor/processor.resolver';
import { Purpose } from '../purpose/purpose.entity';
import { PurposeResolver } from '../purpose/purpose.resolver';
import { RetentionRule } from '../retention/retention-rule.entity';
import { DataSubjectRight } from '../rights/data-subject-right.entity';
import {
  RightsRequestResolver,
  RightsRequestScopeResolver,
  ScopeActivityResolver,
  ScopeCopyResolver,
  ScopeProcessorResolver,
} from '../rights-request/rights-request.resolver';
import { SecurityMeasure } from '../security-measure/security-measure.entity';

export const resolvers: NonEmptyArray<Function> = [
  AgeGateResolver,
  AgePolicyResolver,
  AuditResolver,
  BreachImpactResolver,
  BreachResidenceResolver,
  BreachResolver,
  ScheduledRecipientResolver,
  SupervisoryAuthorityResolver,
  ProcessorChangeNoticeResolver,
  CollectionPointResolver,
  CookieCategoryResolver,
  CountryResolver,
  DataCategoryResolver,
  DataFlowResolver,
  TransferHopResolver,
  UserDataFlowResolver,
  UserDataFlowSummaryResolver,
  DataMapGraphResolver,
  EvidenceResolver,
  EvidenceVendorResolver,
  EvidenceDataTypeResolver,
  VendorResolver,
  FindingResolver,
  NodeResolver,
  ManifestResolver,
  OrganizationResolver,
  ProcessingActivityResolver,
  ProcessingLocationResolver,
  ProcessorResolver,
  TransferImpactAssessmentResolver,
  PurposeResolver,
  RightsRequestResolver,
  RightsRequestScopeResolver,
  ScopeActivityResolver,
  ScopeCopyResolver,
  ScopeProcessorResolver,
  ...registryQueries(Processor, { one: 'processor', label: 'processor' }),
  ...registryQueries(DataCategory, { one: 'dataCategory', label: 'data category' }),
  ...registryQueries(ProcessingActivity, { one: 'processingActivity', label: 'processing activity' }),
  ...registryQueries(CollectionPoint, { one: 'collectionPoint', many: 'collectionPoints', label: 'collection point' }),
  ...registryQueries(Consent, { one: 'consent', many: 'consents', label: 'consent' }),
  ...registryQueries(CookieCategory, { one: 'cookieCategory', many: 'cookieCategories', label: 'cookie category' }),
  ...registryQueries(DataSubjectType, { one: 'dataSubjectType', many: 'dataSubjectTypes', label: 'data subject type' }),
  ...registryQueries(DataSubjectRight, { one: 'dataSubjectRight', many: 'dataSubjectRights', label: 'data subject right' }),
  ...registryQueries(Purpose, { one: 'purpose', many: 'purposes', label: 'purpose' }),
  ...registryQueries(RecipientCategory, { one: 'recipientCategory', many: 'recipientCategories', label: 'recipient category' }),
  ...registryQueries(RetentionRule, { one: 'retentionRule', many: 'retentionRules', label: 'retention rule' }),
  ...registryQueries(SecurityMeasure, { one: 'securityMeasure', many: 'securityMeasures', label: 'security measure' }),
];

export async function buildDatamapSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers, validate: { forbidUnknownValues: false }, emitSchemaFile: false });
  // type-graphql wraps every resolveType in an async function; graphql-jit (GRAPHQL_EXECUTOR=jit) does not await
  // it, and graphql-js needs no promise for an answer known at once.
  (schema.getType('Node') as GraphQLInterfaceType).resolveType = resolveNodeType;
  return schema;
}

/** The schema as committed in `schema/schema.graphql`: sorted, so that a diff shows only real changes. */
export function printDatamapSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
