import { AgeGateCount } from '../age-gate/age-gate-count.entity';
import { AgePolicy, DigitalConsentAge } from '../age-policy/age-policy.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { Breach, BreachNotice, BreachRiskAssessment } from '../breach/breach.entity';
import { CollectionPoint } from '../collection-point/collection-point.entity';
import { RegistryEntity } from '../common/registry.entity';
import { Consent } from '../consent/consent.entity';
import { CookieCategory } from '../cookie/cookie-category.entity';
import { Country } from '../country/country.entity';
import { RegimeAdequacy } from '../country/regime-adequacy.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { DataSubjectType } from '../data-subject/data-subject-type.entity';
import { Evidence, RegisteredVendor } from '../evidence/evidence.entity';
import { Organization } from '../organization/organization.entity';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { LocationSafeguard } from '../processor/location-safeguard.entity';
import { ProcessingLocation } from '../processor/processing-location.entity';
import { ProcessorChangeNotice } from '../processor/processor-change-notice.entity';
import { Processor } from '../processor/processor.entity';
import { SafeguardColumns } from '../processor/safeguard-columns';
import { TransferImpactAssessment } from '../processor/transfer-impact-assessment.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RecipientCategory } from '../recipient/recipient-category.entity';
import { RetentionRule } from '../retention/retention-rule.entity';
import { RightsRequest } from '../rights-request/rights-request.entity';
import { DataSubjectRight } from '../rights/data-subject-right.entity';
import { SecurityMeasure } from '../security-measure/security-measure.entity';
import { RecipientNotice } from '../subprocessor/recipient-notice.entity';
import { Setting } from './setting.entity';

/** Every entity the ORM maps. Listed explicitly: discovery by folder scanning differs between ts-jest and dist. */
export const entities = [
  RegistryEntity,
  SafeguardColumns,
  AgeGateCount,
  AgePolicy,
  AuditEntry,
  Breach,
  BreachNotice,
  BreachRiskAssessment,
  DigitalConsentAge,
  CollectionPoint,
  Consent,
  CookieCategory,
  Country,
  RegimeAdequacy,
  DataCategory,
  DataSubjectType,
  DataSubjectRight,
  Evidence,
  Organization,
  ProcessingActivity,
  ProcessingLocation,
  LocationSafeguard,
  Processor,
  ProcessorChangeNotice,
  TransferImpactAssessment,
  Purpose,
  RecipientNotice,
  RecipientCategory,
  RegisteredVendor,
  RetentionRule,
  RightsRequest,
  SecurityMeasure,
  Setting,
];
