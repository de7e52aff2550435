import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import type { RequestContext } from '../common/context';
import { activitiesOn } from './age-gate.service';
import { AgeGateInput, AgeGateResult, AgeGateStats } from './age-gate.types';

@Resolver(() => AgeGateResult)
export class AgeGateResolver {
  @FieldResolver(() => [ProcessingActivity], {
    description:
      'The activities that may process this person\'s data only with the consent of a holder of parental responsibility, ' +
      'in key order: those resting on consent (Art. 6(1)(a), Art. 8(1)); in Quebec (private sector Act s.4.1, Law 25) ' +
      'and India (DPDP Act 2023 s.9(1)), every activity, whatever its basis. Empty for a person at or above the age of ' +
      'digital consent, or under the platform minimum age.',
  })
  activitiesNeedingParentalConsent(@Root() result: AgeGateResult, @Ctx() { loaders }: RequestContext) {
    return activitiesOn(loaders, result.basesNeedingParentalConsent);
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
