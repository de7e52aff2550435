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

  @Field(() => Boolean, { description: 'True once the deadline has been extended (allowed once).' })
  @Property({ type: 'boolean', default: false })
  extended: Opt<boolean> = false;

  @Field(() => String, { nullable: true, description: 'Why the deadline was extended, as told to the person.' })
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

  @Field(() => String, { nullable: true, description: 'For a REFUSED request, the reason given to the person.' })
  @Property({ type: 'text', nullable: true })
  statusReason?: string | null;

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
