import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { notFound } from '../common/errors';
import type { RequestContext } from '../common/context';
import { AgePolicy, DigitalConsentAge } from './age-policy.entity';
import { SetDigitalConsentAgeInput, UpdateAgePolicyInput } from './age-policy.inputs';
import { POLICY_KEY, removeDigitalConsentAge, setDigitalConsentAge, updateAgePolicy } from './age-policy.service';

const actorOf = ({ viewer, requestId }: RequestContext) => ({ viewer, requestId });

/** Once a policy change has committed, the age gate must apply it from the next check on. */
async function applied<T>({ ageGate }: RequestContext, change: Promise<T>): Promise<T> {
  const result = await change;
  ageGate.policyChanged();
  return result;
}

@Resolver(() => AgePolicy)
export class AgePolicyResolver {
  @Query(() => AgePolicy, { description: 'The age rules the age gate applies: the platform minimum and the ages of digital consent.' })
  async agePolicy(@Ctx() { loaders }: RequestContext): Promise<AgePolicy> {
    const policy = await loaders.byKey(AgePolicy).load(POLICY_KEY);
    if (!policy) throw notFound('The age policy is missing: start the service with SEED=true to load it');
    return policy;
  }

  @FieldResolver(() => [DigitalConsentAge], { description: 'Every jurisdiction with an age of its own, in code order.' })
  digitalConsentAges(@Root() policy: Readonly<AgePolicy>, @Ctx() { em, loaders }: RequestContext): Promise<DigitalConsentAge[]> {
    // The policy is a singleton: every entry belongs to it, so one statement serves any number of parents.
    return loaders
      .custom<string, DigitalConsentAge[]>('AgePolicy.digitalConsentAges', async (keys) => {
        const entries = await em.find(DigitalConsentAge, {}, { orderBy: { jurisdiction: 'asc' } });
        return keys.map(() => entries);
      })
      .load(policy.key);
  }

  @Mutation(() => AgePolicy, { description: 'Changes the platform age rules. Audited; the next age check applies them.' })
  updateAgePolicy(@Arg('input', () => UpdateAgePolicyInput) input: UpdateAgePolicyInput, @Ctx() ctx: RequestContext): Promise<AgePolicy> {
    return applied(ctx, updateAgePolicy(ctx.em, actorOf(ctx), input));
  }

  @Mutation(() => DigitalConsentAge, { description: "Creates or replaces a jurisdiction's age of digital consent. Audited." })
  setDigitalConsentAge(
    @Arg('input', () => SetDigitalConsentAgeInput) input: SetDigitalConsentAgeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<DigitalConsentAge> {
    return applied(ctx, setDigitalConsentAge(ctx.em, actorOf(ctx), input));
  }

  @Mutation(() => DigitalConsentAge, {
    description: "Removes a jurisdiction's own age, so that it falls back to its country's or the default. Audited; returns the removed entry.",
  })
  removeDigitalConsentAge(
    @Arg('jurisdiction', () => ID, { description: 'The code of the entry, such as "CA-QC".' }) jurisdiction: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DigitalConsentAge> {
    return applied(ctx, removeDigitalConsentAge(ctx.em, actorOf(ctx), jurisdiction));
  }
}
