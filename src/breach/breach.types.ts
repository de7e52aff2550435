import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { SupervisoryAuthority } from '../supervisory-authority/supervisory-authority.types';
import { BreachNoticePhase, BreachRisk } from './breach.entity';

/** Where the people affected live, as reported or estimated. Codes only; the resolver loads the countries. */
@ObjectType({ description: 'Where the people affected by a breach live: the authorities owed a notice follow from it.' })
export class BreachResidence {
  countryCodes!: string[];

  @Field({ description: 'True when nobody reported it (`affectedResidence` is empty) and the register estimates it.' })
  estimated!: boolean;

  @Field({ description: 'How the countries were found: as reported, or how the estimate was made.' })
  basis!: string;
}

/** A recipient in its notice period: data reaches it only from `from`. */
@ObjectType({ description: 'A recipient or country announced on the public list whose data flows start only at `from`: not a current recipient.' })
export class ScheduledRecipient {
  processorKey!: string;
  countryCode!: string;

  @Field(() => DateTimeResolver, { description: 'When data starts to flow to it.' })
  from!: Date;
}

/** What a breach touches. Keys only; the resolver loads the entities through the request's loaders. */
@ObjectType({
  description:
    'The blast radius of a breach: what flows through the processors and activities involved, worked out from the map.',
})
export class BreachImpact {
  processorKeys!: string[];
  activityKeys!: string[];
  categoryKeys!: string[];
  subjectTypeKeys!: string[];
  countryCodes!: string[];

  @Field({ description: 'True when a special category of data (Art. 9) is among the categories.' })
  specialCategoryData!: boolean;

  @Field({
    description:
      "True when children's data may be among it: some data-subject type is affected, and the age policy admits users " +
      'younger than 18 (the map does not yet tell minors from adults).',
  })
  childrenData!: boolean;

  @Field(() => [ScheduledRecipient], {
    description: 'Recipients of the breached flows still in their notice period ("from <date>"): no data has reached them yet.',
  })
  scheduled!: ScheduledRecipient[];

  /** Set by the breach resolver: where the people affected live. */
  residence?: BreachResidence;
}

@ObjectType({ description: 'One phase of a notice as it was sent.' })
export class BreachNoticeUpdate {
  @Field(() => BreachNoticePhase)
  phase!: BreachNoticePhase;

  @Field(() => DateTimeResolver)
  notifiedAt!: Date;

  @Field(() => String, { nullable: true, description: "The authority's case number, when it gave one." })
  reference!: string | null;
}

@ObjectType('BreachNotice', {
  description:
    'The notice to one supervisory authority: one per authority owed a notice (and per authority told, should it no longer be owed).',
})
export class BreachNoticeView {
  @Field(() => SupervisoryAuthority)
  authority!: SupervisoryAuthority;

  @Field({ description: 'True while the breach owes this authority a notice (its residence and risk).' })
  owed!: boolean;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the first notice is due (72 hours from awareness); null when not owed.' })
  dueAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the INITIAL notice was sent; null until it is.' })
  notifiedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the INITIAL notice came after 72 hours (Art. 33(1)).' })
  lateReason!: string | null;

  @Field(() => String, { nullable: true, description: "The authority's case number, the latest given." })
  reference!: string | null;

  @Field(() => BreachNoticePhase, { nullable: true, description: 'The latest phase sent (Art. 33(4)); null before the first.' })
  phase!: BreachNoticePhase | null;

  @Field(() => [BreachNoticeUpdate], { description: 'Every phase sent, in order.' })
  updates!: BreachNoticeUpdate[];
}

@ObjectType('BreachRiskAssessment', { description: 'One assessment of the risk of a breach: the first at the report, then each re-assessment.' })
export class BreachRiskAssessmentView {
  @Field(() => BreachRisk)
  risk!: BreachRisk;

  @Field(() => String, { nullable: true, description: 'Why the risk was re-assessed; null for the first assessment.' })
  reason!: string | null;

  @Field(() => DateTimeResolver)
  assessedAt!: Date;

  @Field({ description: 'Who assessed it.' })
  actor!: string;
}
