import { Collection, Entity, Enum, ManyToMany, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { ProcessingLocation } from './processing-location.entity';
import { Node } from '../common/node';
import { RecipientRole } from './recipient-role';

export enum ProcessorStatus {
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  REJECTED = 'REJECTED',
  RETIRED = 'RETIRED',
}

registerEnumType(ProcessorStatus, {
  name: 'ProcessorStatus',
  description: "Where a processor stands in the privacy officer's review.",
  valuesConfig: {
    PROPOSED: { description: 'Registered by an engineer, awaiting review. Receives no data.' },
    ACTIVE: { description: 'Approved: appears in data flows.' },
    REJECTED: { description: 'Refused by the privacy officer.' },
    RETIRED: { description: 'No longer used; its history is kept, and it leaves every data flow.' },
  },
});

@Entity()
@ObjectType({ implements: Node, description: 'A sub-processor or vendor that receives personal data.' })
export class Processor extends RegistryEntity {
  @Field(() => String, { nullable: true, description: 'Registered legal name of the contracting entity.' })
  @Property({ type: 'text', nullable: true })
  legalName?: string | null;

  @Field({ description: 'The service it provides, such as "payment processing".' })
  @Property({ type: 'text' })
  service!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  website?: string | null;

  @ManyToOne(() => Country, { deleteRule: 'restrict', index: true })
  headquarters!: Country;

  /** Sensitive: only privacy officers and auditors read it. */
  @Property({ type: 'text', nullable: true })
  dpaReference?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'True when the processor itself is subject to the GDPR under Art. 3(2) (it targets or monitors people in the Union): ' +
      'the 2021 SCCs are not for such importers (Decision (EU) 2021/914, recital 7). Null when not recorded.',
  })
  @Property({ type: 'boolean', nullable: true })
  subjectToGdpr?: boolean | null;

  @Field(() => ProcessorStatus)
  @Enum({ items: () => ProcessorStatus, nativeEnumName: 'processor_status', default: ProcessorStatus.PROPOSED })
  status: ProcessorStatus = ProcessorStatus.PROPOSED;

  @Field(() => String, {
    nullable: true,
    description: "The privacy officer's note on approval, or the reason for rejecting or retiring it.",
  })
  @Property({ type: 'text', nullable: true })
  statusReason?: string | null;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description:
      'When data starts to flow to it: its approval plus SUBPROCESSOR_NOTICE_DAYS, so that customers can object first ' +
      '(Art. 28(2)). Null when it took effect on approval (no notice period) or was never approved through the API.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  effectiveFrom?: Date | null;

  @Field(() => RecipientRole, { description: "What it is to the organisation: the parties of every transfer to it." })
  @Enum({ items: () => RecipientRole, nativeEnumName: 'recipient_role', default: RecipientRole.PROCESSOR })
  role: RecipientRole = RecipientRole.PROCESSOR;

  /** The processor that engaged this one as its sub-processor (Art. 28(2),(4)); null when the organisation engaged it. */
  @ManyToOne(() => Processor, { nullable: true, deleteRule: 'restrict', index: true })
  engagedBy?: Processor | null;

  @OneToMany(() => Processor, (processor) => processor.engagedBy, { orderBy: { key: 'asc' } })
  subprocessors = new Collection<Processor>(this);

  @Field(() => String, {
    nullable: true,
    description: 'For a JOINT_CONTROLLER: the reference of the arrangement between the joint controllers (Art. 26(1)).',
  })
  @Property({ type: 'text', nullable: true })
  jointArrangement?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'For a controller recipient: true when the disclosure is a "sale" or "sharing" under the CCPA (Cal. Civ. Code ' +
      '§1798.140(ad), (ah)); null when not recorded.',
  })
  @Property({ type: 'boolean', nullable: true })
  saleOrShare?: boolean | null;

  @Field(() => Int, { description: 'Increases with every change; pass it back as `expectedVersion` to update.' })
  @Property({ version: true })
  version!: number;

  @OneToMany(() => ProcessingLocation, (location) => location.processor, { orderBy: { country: 'asc' }, orphanRemoval: true })
  locations = new Collection<ProcessingLocation>(this);

  /** The categories the processor is declared to receive; a parent category covers its children. */
  @ManyToMany(() => DataCategory, undefined, { owner: true, orderBy: { key: 'asc' } })
  dataCategories = new Collection<DataCategory>(this);

  @ManyToMany(() => ProcessingActivity, (activity) => activity.processors, { orderBy: { key: 'asc' } })
  activities = new Collection<ProcessingActivity>(this);
}
