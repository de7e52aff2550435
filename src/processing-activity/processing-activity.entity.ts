import { Collection, Entity, Enum, ManyToMany, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DpiaCriterion } from './dpia-criterion';
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

@ObjectType({ description: 'The law that lays down a legal obligation (GDPR Art. 6(1)(c) and 6(3)).' })
export class LegalObligation {
  @Field({ description: 'The law and its provision, such as "Council Directive 2006/112/EC, Art. 369k".' })
  law!: string;

  @Field(() => String, { nullable: true, description: '"EU" for Union law, or the ISO code of the country whose law it is.' })
  jurisdiction!: string | null;
}

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

  @Field(() => String, {
    nullable: true,
    description: 'Where the activity uses a special category (Art. 9(1)): the Art. 9(2) condition it relies on, such as "Art. 9(2)(a) explicit consent".',
  })
  @Property({ type: 'text', nullable: true })
  specialCategoryCondition?: string | null;

  @Field({ description: "True when the activity processes children's data (people under 18, recital 38)." })
  @Property({ type: 'boolean', default: false })
  children: boolean = false;

  @Field(() => [DpiaCriterion], {
    description: 'The WP248 criteria the activity is recorded to meet (vulnerable subjects also follows from `children`).',
  })
  @Enum({ items: () => DpiaCriterion, array: true, default: [] })
  dpiaCriteria: DpiaCriterion[] = [];

  @Field({ description: 'True when the activity monitors a publicly accessible area: with LARGE_SCALE and SYSTEMATIC_MONITORING, Art. 35(3)(c) requires a DPIA.' })
  @Property({ type: 'boolean', default: false })
  monitorsPublicArea: boolean = false;

  /** For LEGAL_OBLIGATION: the law that lays the obligation down (Art. 6(3)); read through `legalObligation`. */
  @Property({ type: 'text', nullable: true })
  legalObligationLaw?: string | null;

  /** "EU" for Union law, or the ISO code of the country whose law it is. */
  @Property({ type: 'text', nullable: true })
  legalObligationJurisdiction?: string | null;

  @Field(() => LegalObligation, {
    nullable: true,
    description: 'For LEGAL_OBLIGATION: the law that lays the obligation down, which Art. 6(3) requires to be Union or Member State law.',
  })
  get legalObligation(): LegalObligation | null {
    return this.legalObligationLaw ? { law: this.legalObligationLaw, jurisdiction: this.legalObligationJurisdiction ?? null } : null;
  }

  @Field(() => String, { nullable: true, description: 'Reference to the data protection impact assessment carried out (Art. 35), if any.' })
  @Property({ type: 'text', nullable: true })
  dpia?: string | null;

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
