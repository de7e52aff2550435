import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DataSubjectRight } from '../rights/data-subject-right.entity';

export enum RightsRequestStatus {
  RECEIVED = 'RECEIVED',
  VERIFYING = 'VERIFYING',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  REFUSED = 'REFUSED',
}

registerEnumType(RightsRequestStatus, {
  name: 'RightsRequestStatus',
  description: 'Where a rights request stands: RECEIVED -> VERIFYING -> IN_PROGRESS -> COMPLETED or REFUSED.',
  valuesConfig: {
    RECEIVED: { description: 'Logged; the clock runs from receipt.' },
    VERIFYING: { description: "The requester's identity is being checked (Art. 12(6))." },
    IN_PROGRESS: { description: 'Being answered by the systems that hold the data.' },
    COMPLETED: { description: 'Answered. Closed.' },
    REFUSED: { description: 'Refused, with the reason given to the person (Art. 12(4)). Closed.' },
  },
});

export enum IdentityVerificationMethod {
  ACCOUNT_LOGIN = 'ACCOUNT_LOGIN',
  EMAIL_CONFIRMATION = 'EMAIL_CONFIRMATION',
  DOCUMENT = 'DOCUMENT',
  AGENT_AUTHORISATION = 'AGENT_AUTHORISATION',
}

registerEnumType(IdentityVerificationMethod, {
  name: 'IdentityVerificationMethod',
  description: "How the requester's identity was checked (Art. 12(6); 11 CCR § 7060). A closed list: never free text about the person.",
  valuesConfig: {
    ACCOUNT_LOGIN: { description: 'The person made the request from, or confirmed it in, their signed-in account.' },
    EMAIL_CONFIRMATION: { description: "The person confirmed the request from the account's email address." },
    DOCUMENT: { description: 'A document was checked (and not kept beyond the check).' },
    AGENT_AUTHORISATION: { description: "An authorised agent's written permission was checked (11 CCR § 7063)." },
  },
});

export enum IdentityVerificationOutcome {
  VERIFIED = 'VERIFIED',
  NOT_VERIFIED = 'NOT_VERIFIED',
}

registerEnumType(IdentityVerificationOutcome, {
  name: 'IdentityVerificationOutcome',
  valuesConfig: {
    VERIFIED: { description: 'The requester is the person (or acts for them): the request moves to IN_PROGRESS.' },
    NOT_VERIFIED: { description: 'The identity could not be verified: the request is REFUSED with the ground IDENTITY_NOT_VERIFIED (Art. 12(2), 11(2)).' },
  },
});

export enum RefusalGround {
  IDENTITY_NOT_VERIFIED = 'IDENTITY_NOT_VERIFIED',
  MANIFESTLY_UNFOUNDED = 'MANIFESTLY_UNFOUNDED',
  EXCESSIVE = 'EXCESSIVE',
  EXEMPTION = 'EXEMPTION',
  OTHER = 'OTHER',
}

registerEnumType(RefusalGround, {
  name: 'RefusalGround',
  description: 'Why a request was refused, as a code; the reason told to the person is `statusReason`.',
  valuesConfig: {
    IDENTITY_NOT_VERIFIED: { description: "The requester's identity could not be verified (Art. 11(2), 12(2) and 12(6))." },
    MANIFESTLY_UNFOUNDED: { description: 'Manifestly unfounded (Art. 12(5)(b)).' },
    EXCESSIVE: { description: 'Excessive, in particular repetitive (Art. 12(5)(b)).' },
    EXEMPTION: { description: 'An exemption in law applies (such as Art. 17(3), or a restriction under Art. 23).' },
    OTHER: { description: 'Another ground, stated in `statusReason`.' },
  },
});

/** The statuses in which the request is answered and its clock has stopped. */
export const CLOSED_STATUSES: readonly RightsRequestStatus[] = [RightsRequestStatus.COMPLETED, RightsRequestStatus.REFUSED];

/**
 * One request a person made to exercise a right. It names the person only by the product's own reference
 * (a user id or ticket id), which the purge clears once the request has been closed for the retention period;
 * the profile (collection points and consents) says nothing about who the person is.
 */
@Entity()
@Index({ properties: ['status', 'dueAt'] })
@ObjectType({ description: 'A data-subject rights request, its statutory clock and what it covers on the map.' })
export class RightsRequest {
  @Field(() => ID, { description: 'The register number of the request (a UUID).' })
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => DataSubjectRight, { deleteRule: 'restrict', index: true })
  right!: DataSubjectRight;

  @Field(() => RightsRequestStatus)
  @Enum({ items: () => RightsRequestStatus, nativeEnumName: 'rights_request_status', default: RightsRequestStatus.RECEIVED })
  status: RightsRequestStatus = RightsRequestStatus.RECEIVED;

  @Field(() => DateTimeResolver, { description: 'When the request reached the company: the clock starts here.' })
  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  @Field(() => DateTimeResolver, { description: 'The end (UTC) of the last day to answer, extension included.' })
  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  /** The rule of `seeds/reference/rights-deadlines.json` that set the clock; the GraphQL field `deadlineRule` reads it. */
  @Property({ type: 'text', nullable: true })
  deadlineRuleId?: string | null;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'When receipt must be acknowledged (California: 10 business days; GB complaints: 30 days); null where none is owed.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  acknowledgeBy?: Date | null;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description:
      "The privacy policy's promise (\"within 30 days\"), where it falls before `dueAt`: a missed promise is a finding. " +
      'Null where the deadline is as early or earlier.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  promisedBy?: Date | null;

  @Field(() => Boolean, { description: 'True once the deadline has been extended (allowed once).' })
  @Property({ type: 'boolean', default: false })
  extended: Opt<boolean> = false;

  @Field(() => String, { nullable: true, description: 'Why the deadline was extended, as told to the person; cleared by the purge.' })
  @Property({ type: 'text', nullable: true })
  extensionReason?: string | null;

  @Field({ description: 'Where the person is: ISO 3166-1 alpha-2, or an ISO 3166-2 subdivision such as "US-CA".' })
  @Property({ type: 'text' })
  jurisdiction!: string;

  @Field(() => String, {
    nullable: true,
    description: "The product's user id or ticket id of the requester; null once the purge has cleared it.",
  })
  @Property({ type: 'text', nullable: true })
  subjectReference?: string | null;

  @Field(() => [String], { description: 'The collection points the person went through (their profile, as `userDataFlow` takes it).' })
  @Property({ type: 'json' })
  collectionPoints: string[] = [];

  @Field(() => [String], { description: 'The consents the person granted.' })
  @Property({ type: 'json' })
  consents: string[] = [];

  @Field(() => [String], { description: 'The consents the person gave before and has since withdrawn: what they fed and is still kept is in scope.' })
  @Property({ type: 'json', default: '[]' })
  pastConsents: Opt<string[]> = [];

  @Field(() => String, { nullable: true, description: 'For a REFUSED request, the reason given to the person; cleared by the purge.' })
  @Property({ type: 'text', nullable: true })
  statusReason?: string | null;

  @Field(() => RefusalGround, { nullable: true, description: 'For a REFUSED request, the ground as a code.' })
  @Enum({ items: () => RefusalGround, nativeEnumName: 'refusal_ground', nullable: true })
  refusalGround?: RefusalGround | null;

  /** How identity was checked; the GraphQL field `identityVerification` reads these three. */
  @Enum({ items: () => IdentityVerificationMethod, nativeEnumName: 'identity_verification_method', nullable: true })
  identityMethod?: IdentityVerificationMethod | null;

  @Enum({ items: () => IdentityVerificationOutcome, nativeEnumName: 'identity_verification_outcome', nullable: true })
  identityOutcome?: IdentityVerificationOutcome | null;

  @Property({ type: 'timestamptz', nullable: true })
  identityCheckedAt?: Date | null;

  /**
   * The scope as it stood when the request closed (whom the Art. 19 notices went to): a closed request reads this,
   * never today's map. Keys only, as `scopeOf` returns them.
   */
  @Property({ type: 'json', nullable: true })
  frozenScope?: Record<string, unknown> | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the request was COMPLETED or REFUSED.' })
  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the purge cleared the subject reference.' })
  @Property({ type: 'timestamptz', nullable: true })
  purgedAt?: Date | null;

  @Field(() => DateTimeResolver)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'integer', version: true })
  version!: Opt<number>;
}
