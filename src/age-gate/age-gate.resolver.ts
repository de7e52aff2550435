import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../server/context';
import { AgeGateInput, AgeGateResult, AgeGateStats } from './age-gate.types';

@Resolver()
export class AgeGateResolver {
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
