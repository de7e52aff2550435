import { Collection, Entity, Enum, Index, ManyToMany, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';

export enum BreachRisk {
  NONE = 'NONE',
  RISK = 'RISK',
  HIGH_RISK = 'HIGH_RISK',
}

registerEnumType(BreachRisk, {
  name: 'BreachRisk',
  description: "The breach's likely risk to people's rights and freedoms, which decides who must be told.",
  valuesConfig: {
    NONE: { description: 'Unlikely to result in a risk: recorded only (Art. 33(1) and (5)).' },
    RISK: { description: 'A risk: the supervisory authority is told within 72 hours (Art. 33(1)).' },
    HIGH_RISK: { description: 'A high risk: the authority, and the people affected without undue delay (Art. 34(1)).' },
  },
});

/** Every personal-data breach, notifiable or not: the register Art. 33(5) requires. */
@Entity()
@Index({ properties: ['authorityNotifiedAt', 'authorityDueAt'] })
@ObjectType({ description: 'A personal-data breach, its notification clocks and what it touches on the map.' })
export class Breach {
  @Field(() => ID, { description: 'The register number of the breach (a UUID).' })
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field(() => DateTimeResolver, { description: 'When the company became aware of the breach: the 72 hours start here.' })
  @Property({ type: 'timestamptz' })
  awareAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the breach happened, when known.' })
  @Property({ type: 'timestamptz', nullable: true })
  occurredAt?: Date | null;

  @Field({ description: 'What happened, its effects and the remedial action taken (Art. 33(5)).' })
  @Property({ type: 'text' })
  description!: string;

  @Field(() => Int, { nullable: true, description: 'Approximately how many people are concerned (Art. 33(3)(a)).' })
  @Property({ type: 'integer', nullable: true })
  approximateSubjects?: number | null;

  @Field(() => BreachRisk)
  @Enum({ items: () => BreachRisk, nativeEnumName: 'breach_risk' })
  risk!: BreachRisk;

  @Field(() => DateTimeResolver, { description: 'awareAt + 72 hours: when the supervisory authority must have been told (Art. 33(1)).' })
  @Property({ type: 'timestamptz' })
  authorityDueAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the supervisory authority was told.' })
  @Property({ type: 'timestamptz', nullable: true })
  authorityNotifiedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the authority was told after 72 hours (Art. 33(1)).' })
  @Property({ type: 'text', nullable: true })
  authorityLateReason?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the people affected were told (Art. 34).' })
  @Property({ type: 'timestamptz', nullable: true })
  subjectsNotifiedAt?: Date | null;

  /** The processors involved; the blast radius follows their flows. */
  @ManyToMany(() => Processor, undefined, { owner: true, orderBy: { key: 'asc' } })
  processors = new Collection<Processor>(this);

  /** The activities involved. */
  @ManyToMany(() => ProcessingActivity, undefined, { owner: true, orderBy: { key: 'asc' } })
  activities = new Collection<ProcessingActivity>(this);

  @Field(() => DateTimeResolver)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'integer', version: true })
  version!: Opt<number>;
}

/** Anything but NONE goes to the supervisory authority (Art. 33(1)). */
export const authorityNoticeRequired = (risk: BreachRisk) => risk !== BreachRisk.NONE;
/** Only a high risk goes to the people affected (Art. 34(1)). */
export const subjectsNoticeRequired = (risk: BreachRisk) => risk === BreachRisk.HIGH_RISK;
