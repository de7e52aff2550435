import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';
import { BreachRisk } from './breach.entity';

@InputType({ description: 'A breach as the company learnt of it. Every breach is recorded, notifiable or not (Art. 33(5)).' })
export class BreachInput {
  @Field(() => DateTimeResolver, { description: 'When the company became aware; not in the future.' })
  awareAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the breach happened; not after awareAt.' })
  occurredAt?: Date | null;

  @Field({ description: 'What happened, its likely consequences and the measures taken.' })
  description!: string;

  @Field(() => [ID], { nullable: true, description: 'The processors involved, by key.' })
  processors?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'The processing activities involved, by key.' })
  activities?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Approximately how many people are concerned.' })
  approximateSubjects?: number | null;

  @Field(() => BreachRisk)
  risk!: BreachRisk;
}
