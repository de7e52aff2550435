import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';
import { BreachRisk } from './breach.entity';

@InputType({ description: 'A breach as the company learnt of it. Every breach is recorded, notifiable or not (Art. 33(5)).' })
export class BreachInput {
  @Field(() => DateTimeResolver, { description: 'When the company became aware; not in the future.' })
  awareAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the breach happened; not after awareAt.' })
  occurredAt?: Date | null;

  @Field({ description: 'What happened, its likely consequences and the measures taken; at most 10,000 characters.' })
  description!: string;

  @Field(() => [ID], { nullable: true, description: 'The processors involved, by key.' })
  processors?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'The processing activities involved, by key.' })
  activities?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Approximately how many people are concerned.' })
  approximateSubjects?: number | null;

  @Field(() => BreachRisk)
  risk!: BreachRisk;

  @Field(() => [String], {
    nullable: true,
    description:
      'Where the people affected live: ISO 3166-1 ("FR") or ISO 3166-2 ("ES-CT") codes. It decides the authorities owed a notice; ' +
      'when unknown, leave it out and the register estimates it.',
  })
  affectedResidence?: string[] | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the processor told the company (Art. 33(2)); not in the future.' })
  processorNotifiedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Art. 33(3)(a): the nature of the breach; at most 10,000 characters.' })
  nature?: string | null;

  @Field(() => String, { nullable: true, description: 'Art. 33(3)(c): its likely consequences.' })
  likelyConsequences?: string | null;

  @Field(() => String, { nullable: true, description: 'Art. 33(3)(d): the measures taken or proposed.' })
  measures?: string | null;

  @Field(() => String, { nullable: true, description: 'Art. 33(3)(b): the DPO or other contact point.' })
  contactPoint?: string | null;

  @Field(() => Int, { nullable: true, description: 'Approximately how many records are concerned (Art. 33(3)(a)).' })
  approximateRecords?: number | null;
}

@InputType({ description: 'What a breach report adds or corrects, as the information comes in (Art. 33(4)). Fields left out keep their values.' })
export class BreachUpdateInput {
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'Where the people affected live (ISO 3166-1 or -2 codes); replaces the list.' })
  affectedResidence?: string[] | null;

  @Field(() => DateTimeResolver, { nullable: true })
  processorNotifiedAt?: Date | null;

  @Field(() => String, { nullable: true })
  nature?: string | null;

  @Field(() => String, { nullable: true })
  likelyConsequences?: string | null;

  @Field(() => String, { nullable: true })
  measures?: string | null;

  @Field(() => String, { nullable: true })
  contactPoint?: string | null;

  @Field(() => Int, { nullable: true })
  approximateSubjects?: number | null;

  @Field(() => Int, { nullable: true })
  approximateRecords?: number | null;
}
