import { LocalDateResolver } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { LegalBasis } from '../processing-activity/legal-basis';
import { AgeGateCount } from './age-gate-count.entity';

export enum AgeGateReason {
  UNDER_MINIMUM_AGE = 'UNDER_MINIMUM_AGE',
}

registerEnumType(AgeGateReason, {
  name: 'AgeGateReason',
  description: 'Why a signup is refused.',
  valuesConfig: { UNDER_MINIMUM_AGE: { description: 'Younger than the platform minimum age of the AgePolicy.' } },
});

@InputType({ description: 'What the signup service knows about the person. Nothing of it is stored or logged.' })
export class AgeGateInput {
  @Field({ description: 'The birth date, `YYYY-MM-DD`. Used for calendar arithmetic only, never stored.' })
  birthDate!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code ("DE"), or an ISO 3166-2 subdivision ("CA-QC").' })
  country!: string;

  @Field(() => String, { nullable: true, description: 'IANA time zone whose date is "today" ("Europe/Berlin"); UTC when absent.' })
  timeZone?: string | null;
}

@ObjectType({ description: 'What the age policy says about one signup.' })
export class AgeGateResult {
  @Field({ description: 'False when the person is younger than `minimumAge`.' })
  allowed!: boolean;

  @Field(() => Int, { description: 'Completed years on today\'s date in the given time zone.' })
  age!: number;

  @Field(() => Int, { description: 'The platform minimum age (AgePolicy).' })
  minimumAge!: number;

  @Field(() => Int, { description: "The jurisdiction's age of digital consent, or the policy default." })
  digitalConsentAge!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The jurisdiction whose age of digital consent applies: the subdivision ("CA-QC"), the country, or for a ' +
      'territory of an EEA state its member state (RE and GP: "FR"; AX: "FI"). Null when the policy default applies.',
  })
  digitalConsentAgeJurisdiction!: string | null;

  @Field(() => String, { nullable: true, description: 'The law that sets `digitalConsentAge`, such as "DPA 2018 s.9".' })
  digitalConsentAgeSource!: string | null;

  @Field({
    description:
      'True when `activitiesNeedingParentalConsent` is not empty: an allowed person younger than `digitalConsentAge` ' +
      'may join the activities that rest on consent only with a parent\'s consent (GDPR Art. 8); in Quebec (private ' +
      'sector Act s.4.1, Law 25) and India (DPDP Act 2023 s.9(1)), every activity.',
  })
  parentalConsentRequired!: boolean;

  /** The legal bases of `activitiesNeedingParentalConsent` (see `basesNeedingParentalConsent`). */
  basesNeedingParentalConsent!: readonly LegalBasis[];

  @Field({ description: 'True for allowed people younger than the policy\'s guidance age (13 up to 18).' })
  parentalGuidanceRecommended!: boolean;

  @Field(() => AgeGateReason, { nullable: true, description: 'Why the signup is refused; null when allowed.' })
  reason!: AgeGateReason | null;
}

@ObjectType({ description: 'Checks per outcome over the whole period.' })
export class AgeGateTotals {
  @Field(() => Int, { description: 'All checks that got an answer (bad input is not counted).' })
  checks!: number;

  @Field(() => Int, { description: 'Allowed without parental consent.' })
  allowed!: number;

  @Field(() => Int, { description: 'Refused as under the minimum age.' })
  blocked!: number;

  @Field(() => Int, { description: 'Allowed with the consent of a parent.' })
  parentalConsentRequired!: number;
}

@ObjectType({ description: 'Aggregate age-gate counters for a period: no person appears in them.' })
export class AgeGateStats {
  @Field(() => LocalDateResolver, { description: 'First day of the period (UTC).' })
  from!: string;

  @Field(() => LocalDateResolver, { description: 'Last day of the period (UTC), included.' })
  to!: string;

  @Field(() => String, { nullable: true, description: 'The country filter, when one was given.' })
  country!: string | null;

  @Field(() => AgeGateTotals)
  totals!: AgeGateTotals;

  @Field(() => [AgeGateCount], { description: 'One row per day, jurisdiction and outcome with checks, in that order.' })
  counts!: AgeGateCount[];
}
