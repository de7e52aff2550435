import { manifestSchema, type Manifest } from '../src/manifest/manifest.schema';
import { LegalBasis } from '../src/processing-activity/legal-basis';
import { ProcessorStatus } from '../src/processor/processor.entity';
import { RecipientRole } from '../src/processor/recipient-role';
import { TransferMechanism } from '../src/processor/transfer-mechanism';

/** More processors and activities, shaped like the seeded ones: US-based, on top-level categories. */
export function copiesOfTheSeededShape(copies: number): Manifest {
  const manifest = manifestSchema.parse({ apiVersion: 'datamap/v1' });
  for (let i = 0; i < copies; i++) {
    manifest.activities.push({
      key: `extra-activity-${i}`, name: `Extra activity ${i}`, purpose: 'service-delivery.platform', legalBasis: LegalBasis.CONTRACT,
      dataCategories: ['identity', 'usage'], subjectTypes: ['student'], collectionPoints: ['registration'], securityMeasures: [],
      children: false, dpiaCriteria: [],
    });
    manifest.processors.push({
      key: `extra-processor-${i}`, name: `Extra ${i}`, service: 'Hosting', headquarters: 'US', status: ProcessorStatus.ACTIVE, role: RecipientRole.PROCESSOR,
      dataCategories: ['identity', 'usage'], activities: [`extra-activity-${i}`],
      locations: [{ country: 'US', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' }],
    });
  }
  return manifest;
}

/**
 * Sub-processor chains three deep under each of `engagers` (engager -> sub-1 -> sub-2 -> sub-3), each sub-processor
 * in India under SCC module 3, as one manifest: engagers and sub-processors are written in one apply.
 */
export function chainsUnder(engagers: readonly string[], depth = 3): Manifest {
  const manifest = manifestSchema.parse({ apiVersion: 'datamap/v1' });
  for (const engager of engagers) {
    for (let level = 1; level <= depth; level++) {
      manifest.processors.push({
        key: `${engager}-sub-${level}`, name: `${engager} sub-processor ${level}`, service: 'Hosting', headquarters: 'IN',
        status: ProcessorStatus.ACTIVE, role: RecipientRole.PROCESSOR, dpaReference: 'sub-processor terms',
        engagedBy: level === 1 ? engager : `${engager}-sub-${level - 1}`, dataCategories: [], activities: [],
        locations: [{ country: 'IN', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 3' }],
      });
    }
  }
  return manifest;
}

/** The dashboards' largest query: a thousand processors with their relations, six levels deep. */
export const THOUSAND_PROCESSORS = `{
    processors(first: 1000) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        key name status version
        headquarters { code name inEEA }
        locations { mechanism reference country { code name inEEA adequacy } }
        dataCategories { key name parent { key name } }
        activities { key name legalBasis purpose { key name parent { key name } } dataCategories { key parent { key } } processors { key } }
      }
    }
  }`;
