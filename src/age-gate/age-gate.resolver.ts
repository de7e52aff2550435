import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import type { RequestContext } from '../common/context';
import { consentBasedActivities } from './age-gate.service';
import { AgeGateInput, AgeGateResult, AgeGateStats } from './age-gate.types';

@Resolver(() => AgeGateResult)
export class AgeGateResolver {
  @FieldResolver(() => [ProcessingActivity], {
    description:
      'The activities resting on consent (Art. 6(1)(a)) that this person may join only with the consent of a holder of ' +
      'parental responsibility (Art. 8(1)), in key order. Activities on another basis, such as CONTRACT, are never ' +
      'listed; empty for a person at or above the age of digital consent, or under the platform minimum age.',
  })
  activitiesNeedingParentalConsent(@Root() result: AgeGateResult, @Ctx() { loaders }: RequestContext) {
    return result.parentalConsentRequired ? consentBasedActivities(loaders) : [];
  }

  @Query(() => AgeGateResult, {
    description: 'May this person sign up? Checks a birth date against the age policy of their country. Stores and logs nothing of it.',
  })
  ageGate(@Arg('input', () => AgeGateInput) input: AgeGateInput, @Ctx() { em, ageGate }: RequestContext): Promise<AgeGateResult> {
    return ageGate.check(em, input);
  }

  @Query(() => AgeGateStats, {
    description: 'How many checks ended each way, per UTC day and jurisdiction, for dashboards. Counts of every instance, '
      + 'up to its last flush, plus the unflushed counts of the instance that answers.',
  })
  ageGateStats(
    @Arg('from', () => LocalDateResolver, { description: 'First day (UTC), included.' }) from: string,
    @Arg('to', () => LocalDateResolver, { description: 'Last day (UTC), included.' }) to: string,
    @Arg('country', () => String, { nullable: true, description: 'Only this country (with its subdivisions) or subdivision.' })
    country: string | null,
    @Ctx() { em, ageGate }: RequestContext,
  ): Promise<AgeGateStats> {
    return ageGate.stats(em, { from, to, country });
  }
}
