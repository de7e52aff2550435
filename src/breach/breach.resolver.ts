import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../common/connection';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { DataSubjectType } from '../data-subject/data-subject-type.entity';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { isUuid } from '../common/keys';
import { clocked, type RequestContext } from '../common/context';
import { authorityNoticeRequired, Breach, subjectsNoticeRequired } from './breach.entity';
import { BreachInput } from './breach.inputs';
import { impactsOf, listBreaches, recordAuthorityNotice, recordSubjectNotice, reportBreach } from './breach.service';
import { BreachImpact } from './breach.types';

const BreachConnection = Connection(Breach);


@Resolver(() => Breach)
export class BreachResolver {
  @Query(() => BreachConnection, { description: 'The breach register (Art. 33(5)), the most recent first. Privacy officers and auditors only.' })
  breaches(@Args() page: PageArgs, @Ctx() { em }: RequestContext) {
    return listBreaches(em, page);
  }

  @Query(() => Breach, { nullable: true, description: 'One breach by id; null when absent.' })
  breach(@Arg('id', () => ID) id: string, @Ctx() { loaders }: RequestContext) {
    return isUuid(id) ? loaders.byKey(Breach).load(id) : null;
  }

  @Mutation(() => Breach, { description: 'Records a breach and starts its 72-hour clock (Art. 33).' })
  reportBreach(@Arg('input', () => BreachInput) input: BreachInput, @Ctx() ctx: RequestContext) {
    return reportBreach(ctx.em, clocked(ctx), input);
  }

  @Mutation(() => Breach, { description: 'Records when the supervisory authority was told; after 72 hours, `lateReason` is required.' })
  recordAuthorityNotice(
    @Arg('id', () => ID) id: string,
    @Arg('notifiedAt', () => DateTimeResolver, { nullable: true, description: 'When it was told; now when omitted.' }) notifiedAt: Date | null,
    @Arg('lateReason', () => String, { nullable: true, description: 'Why it comes after 72 hours (Art. 33(1)).' }) lateReason: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return recordAuthorityNotice(ctx.em, clocked(ctx), id, notifiedAt, lateReason);
  }

  @Mutation(() => Breach, { description: 'Records when the people affected were told (Art. 34).' })
  recordSubjectNotice(
    @Arg('id', () => ID) id: string,
    @Arg('notifiedAt', () => DateTimeResolver, { nullable: true, description: 'When they were told; now when omitted.' }) notifiedAt: Date | null,
    @Ctx() ctx: RequestContext,
  ) {
    return recordSubjectNotice(ctx.em, clocked(ctx), id, notifiedAt);
  }

  @FieldResolver(() => Boolean, { description: 'True unless the risk is NONE: the supervisory authority must be told (Art. 33(1)).' })
  authorityNoticeRequired(@Root() breach: Breach) {
    return authorityNoticeRequired(breach.risk);
  }

  @FieldResolver(() => Boolean, { description: 'True for HIGH_RISK: the people affected must be told without undue delay (Art. 34(1)).' })
  subjectsNoticeRequired(@Root() breach: Breach) {
    return subjectsNoticeRequired(breach.risk);
  }

  @FieldResolver(() => [Processor], { description: 'The processors involved, as reported.' })
  processors(@Root() breach: Breach, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Breach, 'processors').load(breach.id);
  }

  @FieldResolver(() => [ProcessingActivity], { description: 'The activities involved, as reported.' })
  activities(@Root() breach: Breach, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Breach, 'activities').load(breach.id);
  }

  @FieldResolver(() => BreachImpact, { description: 'What the breach touches, from the map as it is now.' })
  affected(@Root() breach: Breach, @Ctx() { em, loaders }: RequestContext) {
    return loaders.custom<Breach, BreachImpact>('breach-impact', (breaches) => impactsOf(em, loaders, breaches)).load(breach);
  }
}

@Resolver(() => BreachImpact)
export class BreachImpactResolver {
  @FieldResolver(() => [Processor], { description: 'The processors involved, and those that receive the involved activities\' data.' })
  processors(@Root() impact: BreachImpact, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).loadMany(impact.processorKeys);
  }

  @FieldResolver(() => [ProcessingActivity], { description: 'The activities whose data is touched.' })
  activities(@Root() impact: BreachImpact, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(ProcessingActivity).loadMany(impact.activityKeys);
  }

  @FieldResolver(() => [DataCategory], { description: 'The categories of data concerned (Art. 33(3)(a)).' })
  categories(@Root() impact: BreachImpact, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(DataCategory).loadMany(impact.categoryKeys);
  }

  @FieldResolver(() => [DataSubjectType], { description: 'The categories of people concerned (Art. 33(3)(a)).' })
  subjectTypes(@Root() impact: BreachImpact, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(DataSubjectType).loadMany(impact.subjectTypeKeys);
  }

  @FieldResolver(() => [Country], { description: 'Where the data concerned is processed.' })
  countries(@Root() impact: BreachImpact, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).loadMany(impact.countryCodes);
  }
}
