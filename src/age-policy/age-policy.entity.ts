import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../common/node';

/** The platform's age rules. One row, keyed `platform`; the age gate reads it on every check. */
@Entity()
@ObjectType({ implements: Node, description: 'The platform minimum age and the default age of digital consent.' })
export class AgePolicy {
  @Field(() => ID)
  @PrimaryKey({ type: 'text' })
  key: string = 'platform';

  @Field(() => Int, { description: 'No one younger may sign up (the privacy policy says 13).' })
  @Property({ type: 'integer' })
  minimumAge!: number;

  @Field(() => Int, { description: 'Age of digital consent for a jurisdiction without an entry (GDPR Art. 8(1): 16).' })
  @Property({ type: 'integer' })
  defaultDigitalConsentAge!: number;

  @Field(() => Int, { description: 'Below this age the policy recommends parental guidance (18).' })
  @Property({ type: 'integer' })
  parentalGuidanceUntilAge!: number;
}

@Entity()
@ObjectType({ implements: Node, description: "A jurisdiction's age of digital consent (GDPR Art. 8 and national equivalents)." })
export class DigitalConsentAge {
  [PrimaryKeyProp]?: 'jurisdiction';

  @Field(() => ID, { description: 'ISO 3166-1 alpha-2 country code, or an ISO 3166-2 subdivision such as "CA-QC".' })
  @PrimaryKey({ type: 'text' })
  jurisdiction!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  age!: number;

  @Field({ description: 'False where the age could not be confirmed against the national law.' })
  @Property({ type: 'boolean', default: true })
  verified: boolean = true;

  @Field(() => String, { nullable: true, description: 'The law or document the age comes from.' })
  @Property({ type: 'text', nullable: true })
  source?: string | null;
}
