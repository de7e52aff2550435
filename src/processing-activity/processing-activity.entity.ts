import { Collection, Entity, Enum, ManyToMany, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { CollectionPoint } from '../collection-point/collection-point.entity';
import { Consent } from '../consent/consent.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { DataSubjectType } from '../data-subject/data-subject-type.entity';
import { Processor } from '../processor/processor.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RetentionRule } from '../retention/retention-rule.entity';
import { SecurityMeasure } from '../security-measure/security-measure.entity';
import { LegalBasis } from './legal-basis';
import { Node } from '../common/node';

/** One row of the record of processing activities (GDPR Art. 30(1)). */
@Entity()
@ObjectType({ implements: Node, description: 'A processing activity: one row of the GDPR Art. 30 record.' })
export class ProcessingActivity extends RegistryEntity {
  @ManyToOne(() => Purpose, { deleteRule: 'restrict', index: true })
  purpose!: Purpose;

  @Field(() => LegalBasis, { description: 'The Art. 6(1) basis this activity relies on.' })
  @Enum({ items: () => LegalBasis, nativeEnumName: 'legal_basis' })
  legalBasis!: LegalBasis;

  @Field(() => String, { nullable: true, description: 'For LEGITIMATE_INTERESTS: the interest pursued.' })
  @Property({ type: 'text', nullable: true })
  legitimateInterest?: string | null;

  /** Required when the legal basis is CONSENT: the person must have granted it. */
  @ManyToOne(() => Consent, { nullable: true, deleteRule: 'restrict', index: true })
  requiredConsent?: Consent | null;

  @ManyToOne(() => RetentionRule, { nullable: true, deleteRule: 'restrict', index: true })
  retention?: RetentionRule | null;

  @ManyToMany(() => DataCategory, undefined, { owner: true, orderBy: { key: 'asc' } })
  dataCategories = new Collection<DataCategory>(this);

  @ManyToMany(() => DataSubjectType, undefined, { owner: true, orderBy: { key: 'asc' } })
  subjectTypes = new Collection<DataSubjectType>(this);

  @ManyToMany(() => CollectionPoint, undefined, { owner: true, orderBy: { key: 'asc' } })
  collectionPoints = new Collection<CollectionPoint>(this);

  @ManyToMany(() => Processor, (processor) => processor.activities, { owner: true, orderBy: { key: 'asc' } })
  processors = new Collection<Processor>(this);

  @ManyToMany(() => SecurityMeasure, undefined, { owner: true, orderBy: { key: 'asc' } })
  securityMeasures = new Collection<SecurityMeasure>(this);
}
