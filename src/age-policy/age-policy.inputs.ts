import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'The platform age rules to change; fields left out keep their value.' })
export class UpdateAgePolicyInput {
  @Field(() => Int, { nullable: true, description: 'No one younger may sign up.' })
  minimumAge?: number | null;

  @Field(() => Int, { nullable: true, description: 'Age of digital consent where a jurisdiction has no entry.' })
  defaultDigitalConsentAge?: number | null;

  @Field(() => Int, { nullable: true, description: 'Below this age parental guidance is recommended.' })
  parentalGuidanceUntilAge?: number | null;
}

@InputType({ description: "A jurisdiction's age of digital consent, created or replaced." })
export class SetDigitalConsentAgeInput {
  @Field(() => ID, { description: 'ISO 3166-1 alpha-2 country code ("DE") or ISO 3166-2 subdivision ("CA-QC").' })
  jurisdiction!: string;

  @Field(() => Int, { description: 'The age below which a parent must consent (0 to 25).' })
  age!: number;

  @Field(() => Boolean, { nullable: true, description: 'Whether the age is confirmed against the law; true for a new entry when left out.' })
  verified?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The law or document the age comes from; kept when left out.' })
  source?: string | null;
}
