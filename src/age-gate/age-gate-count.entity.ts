import { BigIntType, Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { AgeGateOutcome } from './age-gate-outcome';

/**
 * How many age checks of one jurisdiction ended one way on one UTC day. The only trace a check leaves:
 * instances add their in-memory counts to these rows (`count = count + excluded.count`), never per check.
 */
@Entity()
@ObjectType({ description: 'How many checks of one jurisdiction ended one way on one day (UTC).' })
export class AgeGateCount {
  [PrimaryKeyProp]?: ['day', 'country', 'outcome'];

  @Field(() => LocalDateResolver, { description: 'The day of the checks, in UTC.' })
  @PrimaryKey({ type: 'date' })
  day!: string;

  @Field({ description: 'The country of the checks, or a subdivision the policy has an age for ("CA-QC"); other subdivisions count under their country.' })
  @PrimaryKey({ type: 'text' })
  country!: string;

  @Field(() => AgeGateOutcome, { description: 'How the checks ended.' })
  @Enum({ items: () => AgeGateOutcome, primary: true })
  outcome!: AgeGateOutcome;

  @Field(() => Int, { description: 'How many checks.' })
  @Property({ type: new BigIntType('number') })
  count!: number;
}
