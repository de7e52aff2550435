import { DateTimeResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../common/connection';
import { RightsRequestStatus } from './rights-request.entity';

@InputType({ description: 'A rights request as it arrived. Name the person only by the product\'s own reference.' })
export class RightsRequestInput {
  @Field(() => ID, { description: 'The right exercised: a key of `dataSubjectRights`, such as "access" or "erasure".' })
  right!: string;

  @Field(() => DateTimeResolver, { description: 'When the request reached the company; not in the future.' })
  receivedAt!: Date;

  @Field({ description: 'Where the person is: ISO 3166-1 alpha-2 ("DE"), or ISO 3166-2 ("US-CA"). It sets the clock.' })
  jurisdiction!: string;

  @Field({
    description: "The product's user id or ticket id, such as \"user-8812\" or \"ZD-4411\": never a name or an email address.",
  })
  subjectReference!: string;

  @Field(() => [ID], { description: 'The collection points the person went through, as `userDataFlow` takes them.' })
  collectionPoints!: string[];

  @Field(() => [ID], { description: 'The consents the person granted.' })
  consents!: string[];

  @Field(() => [ID], {
    nullable: true,
    description:
      'The consents the person gave before and has since withdrawn (none when absent): the data they fed that is still kept ' +
      "under its activity's retention rule is in scope (see docs/rights-and-breaches.md, \"still retained\").",
  })
  pastConsents?: string[] | null;
}

@ArgsType()
export class RightsRequestListArgs extends PageArgs {
  @Field(() => RightsRequestStatus, { nullable: true, description: 'Only requests in this status.' })
  status?: RightsRequestStatus | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Only requests due before this instant.' })
  dueBefore?: Date | null;
}
