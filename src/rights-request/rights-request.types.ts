import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LegalBasis } from '../processing-activity/legal-basis';
import { IdentityVerificationMethod, IdentityVerificationOutcome, RightsRequestStatus } from './rights-request.entity';

@ObjectType({ description: 'Where a rule of law is written: a title and, when it is online, its address.' })
export class LegalSource {
  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  url!: string | null;
}

@ObjectType('RightsDeadlineRule', {
  description: 'A rule of the rights-request clock (seeds/reference/rights-deadlines.json): which law sets the deadline, and where it is written.',
})
export class RightsDeadlineRuleType {
  @Field(() => ID, { description: 'The rule, such as "EEA-REQUESTS" or "US-CA-KNOW-DELETE-CORRECT".' })
  id!: string;

  @Field({ description: 'The law and what it requires.' })
  law!: string;

  @Field(() => [LegalSource])
  sources!: LegalSource[];

  @Field({ description: 'False where the deadline was not matched in a source read: check it before relying on it.' })
  verified!: boolean;

  @Field(() => String, { nullable: true, description: 'What a source read does not confirm.' })
  uncertainty!: string | null;

  @Field(() => String, { nullable: true, description: 'What the register assumes beyond the law, and why.' })
  assumed!: string | null;
}

@ObjectType({ description: "How the requester's identity was checked." })
export class IdentityVerification {
  @Field(() => IdentityVerificationMethod)
  method!: IdentityVerificationMethod;

  @Field(() => IdentityVerificationOutcome)
  outcome!: IdentityVerificationOutcome;

  @Field(() => DateTimeResolver)
  checkedAt!: Date;
}

/**
 * The scope types hold keys only; their resolvers turn them into entities through the request's loaders,
 * so a scope costs one statement per related type, however many processors it names.
 */
@ObjectType({ description: "A processor that holds the person's data: what it holds, for which activities, and where." })
export class ScopeProcessor {
  processorKey!: string;
  activityKeys!: string[];
  categoryKeys!: string[];
  countryCodes!: string[];
}

@ObjectType({ description: "An activity that uses the person's data, with or without a processor, and the processors it hands it to." })
export class ScopeActivity {
  activityKey!: string;
  purposeKey!: string;
  retentionKey!: string | null;
  categoryKeys!: string[];
  processorKeys!: string[];
  /** Absent from scopes frozen before issue 18: read as null. */
  withdrawnConsentKey?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'For an erasure: the ground of Art. 17(3) that keeps this data, such as "Art. 17(3)(b): legal obligation (...)" for an ' +
      'activity on LEGAL_OBLIGATION, or "Art. 17(3)(e): legal claims ..." where its retention rule keeps it for legal claims; ' +
      'null when erasure reaches it, and for every other right.',
  })
  erasureException?: string | null;

  @Field(() => LegalBasis)
  legalBasis!: LegalBasis;
}

@ObjectType({
  description:
    'What the copy for an access (Art. 15) or portability (Art. 20) request must cover. For portability, only the ' +
    'data processed on consent or contract (Art. 20(1)(a)).',
})
export class ScopeCopy {
  categoryKeys!: string[];
  purposeKeys!: string[];
  processorKeys!: string[];
  countryCodes!: string[];
  retentionKeys!: string[];

  @Field({ description: 'True when some of the data goes to a country outside the EEA: the copy names the safeguards (Art. 15(2)).' })
  thirdCountryTransfers!: boolean;
}

@ObjectType({ description: "What a rights request touches on the data map, worked out from the person's flows." })
export class RightsRequestScope {
  @Field(() => [ScopeProcessor], { description: "The processors that hold the person's data, in key order." })
  processors!: ScopeProcessor[];

  @Field(() => [ScopeActivity], { description: "The activities that use the person's data, in key order." })
  activities!: ScopeActivity[];

  /** For erasure, rectification and restriction: every processor that received the data. */
  recipientKeys!: string[];

  /** The recipient categories of the scope's activities; absent from scopes frozen before issue 18. */
  recipientCategoryKeys?: string[];

  @Field(() => ScopeCopy, { nullable: true, description: 'For access and portability: what the copy must cover; null for other rights.' })
  copy!: ScopeCopy | null;
}

@ObjectType({ description: 'How many requests share one value.' })
export class RightsRequestCount {
  @Field({ description: 'The value counted: a right key, a status, or a timeliness.' })
  value!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'The register of rights requests in numbers. Names no one.' })
export class RightsRequestStats {
  @Field(() => Int, { description: 'Every request ever logged, purged ones included.' })
  total!: number;

  @Field(() => [RightsRequestCount], { description: 'By right key, in key order.' })
  byRight!: RightsRequestCount[];

  @Field(() => [RightsRequestCount], { description: 'By status, in the order of the workflow.' })
  byStatus!: RightsRequestCount[];

  @Field(() => [RightsRequestCount], {
    description: 'By timeliness: ON_TIME and LATE for closed requests, OPEN and OVERDUE for open ones.',
  })
  byTimeliness!: RightsRequestCount[];
}

export const STATUS_ORDER: readonly RightsRequestStatus[] = Object.values(RightsRequestStatus);

export enum Timeliness {
  ON_TIME = 'ON_TIME',
  LATE = 'LATE',
  OPEN = 'OPEN',
  OVERDUE = 'OVERDUE',
}

registerEnumType(Timeliness, {
  name: 'RightsRequestTimeliness',
  description: 'Whether a request is answered within its deadline.',
  valuesConfig: {
    ON_TIME: { description: 'Closed on or before its deadline.' },
    LATE: { description: 'Closed after its deadline.' },
    OPEN: { description: 'Open, and its deadline has not passed.' },
    OVERDUE: { description: 'Open, and its deadline has passed.' },
  },
});
