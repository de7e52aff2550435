import { Collection, Entity, Enum, Index, ManyToMany, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
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

  @Field({ description: 'What happened, its effects and the remedial action taken (Art. 33(5)); at most 10,000 characters.' })
  @Property({ type: 'text' })
  description!: string;

  @Field(() => Int, { nullable: true, description: 'Approximately how many people are concerned (Art. 33(3)(a)).' })
  @Property({ type: 'integer', nullable: true })
  approximateSubjects?: number | null;

  @Field(() => Int, { nullable: true, description: 'Approximately how many personal-data records are concerned (Art. 33(3)(a)).' })
  @Property({ type: 'integer', nullable: true })
  approximateRecords?: number | null;

  @Field(() => [String], {
    description:
      'Where the people affected live, as reported: ISO 3166-1 or ISO 3166-2 codes. Empty when unknown: `affected.residence` then ' +
      'estimates it, and says so.',
  })
  @Property({ type: 'json', defaultRaw: `'[]'` })
  affectedResidence: Opt<string[]> = [];

  @Field(() => DateTimeResolver, {
    nullable: true,
    description:
      'When the processor told the company (Art. 33(2)). The company counts as aware from then (EDPB Guidelines 9/2022, section ' +
      'II.A.4), so the 72 hours run from the earlier of this and `awareAt`.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  processorNotifiedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The nature of the breach, with the categories of people and records concerned (Art. 33(3)(a)).' })
  @Property({ type: 'text', nullable: true })
  nature?: string | null;

  @Field(() => String, { nullable: true, description: 'The likely consequences of the breach (Art. 33(3)(c)).' })
  @Property({ type: 'text', nullable: true })
  likelyConsequences?: string | null;

  @Field(() => String, { nullable: true, description: 'The measures taken or proposed to address it and mitigate its effects (Art. 33(3)(d)).' })
  @Property({ type: 'text', nullable: true })
  measures?: string | null;

  @Field(() => String, { nullable: true, description: 'The DPO or other contact point where more information can be obtained (Art. 33(3)(b)).' })
  @Property({ type: 'text', nullable: true })
  contactPoint?: string | null;

  @Field(() => BreachRisk)
  @Enum({ items: () => BreachRisk, nativeEnumName: 'breach_risk' })
  risk!: BreachRisk;

  @Field(() => DateTimeResolver, { description: 'awareAt + 72 hours: when the supervisory authority must have been told (Art. 33(1)).' })
  @Property({ type: 'timestamptz' })
  authorityDueAt!: Date;

  /**
   * Before issue 20 a breach kept one authority notice, without naming the authority. Kept as recorded, never
   * written again: the GraphQL fields of the same names are derived from `notices`, and fall back to these.
   */
  @Property({ type: 'timestamptz', nullable: true })
  authorityNotifiedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  authorityLateReason?: string | null;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description:
      'When the people affected must have been told: 72 hours after awareness for RISK and HIGH_RISK (the policy: "we will ' +
      'notify you ... within 72 hours"; for HIGH_RISK also Art. 34(1), "without undue delay"). Null for NONE.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  subjectsDueAt?: Date | null;

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

export enum BreachNoticePhase {
  INITIAL = 'INITIAL',
  FOLLOW_UP = 'FOLLOW_UP',
  FINAL = 'FINAL',
}

registerEnumType(BreachNoticePhase, {
  name: 'BreachNoticePhase',
  description: 'Which part of a notice to an authority, where the information comes in phases (Art. 33(4)).',
  valuesConfig: {
    INITIAL: { description: 'The first notice: the one the 72 hours are about.' },
    FOLLOW_UP: { description: 'Further information, without undue further delay.' },
    FINAL: { description: 'The last: nothing follows it.' },
  },
});

/** One notice (or one phase of it) sent to one supervisory authority. */
@Entity()
@Unique({ name: 'breach_notice_phase_once', expression: `create unique index "breach_notice_phase_once" on "breach_notice" ("breach_id", "authority_code", "phase") where "phase" <> 'FOLLOW_UP'` })
export class BreachNotice {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Breach, { deleteRule: 'cascade', index: true })
  breach!: Breach;

  /** A code of `seeds/reference/supervisory-authorities.json`, such as "FR-CNIL". */
  @Property({ type: 'text' })
  authorityCode!: string;

  @Enum({ items: () => BreachNoticePhase, nativeEnumName: 'breach_notice_phase' })
  phase!: BreachNoticePhase;

  @Property({ type: 'timestamptz' })
  notifiedAt!: Date;

  /** For a late INITIAL notice, the reasons for the delay (Art. 33(1)). */
  @Property({ type: 'text', nullable: true })
  lateReason?: string | null;

  /** The authority's case number, when it gave one. */
  @Property({ type: 'text', nullable: true })
  reference?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}

/** One assessment of a breach's risk: the first at the report, then each re-assessment, with why. */
@Entity()
export class BreachRiskAssessment {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Breach, { deleteRule: 'cascade', index: true })
  breach!: Breach;

  @Enum({ items: () => BreachRisk, nativeEnumName: 'breach_risk' })
  risk!: BreachRisk;

  /** Why the risk changed; null for the first assessment. */
  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ type: 'timestamptz' })
  assessedAt!: Date;

  /** Who assessed it (the token's subject). */
  @Property({ type: 'text' })
  actor!: string;
}

/** Anything but NONE goes to the supervisory authority (Art. 33(1)). */
export const authorityNoticeRequired = (risk: BreachRisk) => risk !== BreachRisk.NONE;
/**
 * A breach that poses a risk goes to the people affected: the policy promises it for any risk ("we will notify you
 * ... within 72 hours"), Art. 34(1) requires it for a high risk.
 */
export const subjectsNoticeRequired = (risk: BreachRisk) => risk !== BreachRisk.NONE;

const RISK_ORDER: readonly BreachRisk[] = [BreachRisk.NONE, BreachRisk.RISK, BreachRisk.HIGH_RISK];
/** Whether `risk` is at least `threshold`. */
export const riskReaches = (risk: BreachRisk, threshold: BreachRisk) => RISK_ORDER.indexOf(risk) >= RISK_ORDER.indexOf(threshold);
