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
import { supervisoryAuthority } from '../supervisory-authority/supervisory-authority.resolver';
import { authorityByCode } from '../supervisory-authority/supervisory-authority.reference';
import { SupervisoryAuthority } from '../supervisory-authority/supervisory-authority.types';
import { readRows, textArray, timestampOf } from '../db/rows';
import { authorityNoticeRequired, Breach, BreachNoticePhase, BreachRisk, subjectsNoticeRequired } from './breach.entity';
import { BreachInput, BreachUpdateInput } from './breach.inputs';
import { noticesOf } from './breach.rules';
import {
  impactsOf,
  listBreaches,
  owedAuthorities,
  reassessBreachRisk,
  recordAuthorityNotice,
  recordSubjectNotice,
  reportBreach,
  residencesOf,
  sentNoticesOf,
  updateBreach,
} from './breach.service';
import { BreachImpact, BreachNoticeView, BreachResidence, BreachRiskAssessmentView, ScheduledRecipient } from './breach.types';

const residenceLoader = ({ em, loaders }: RequestContext) =>
  loaders.custom<Breach, BreachResidence>('breach-residence', (breaches) => residencesOf(em, breaches));

const noticeLoader = ({ em, loaders }: RequestContext) =>
  loaders.custom<string, Awaited<ReturnType<typeof sentNoticesOf>>[number]>('breach-notices', (ids) => sentNoticesOf(em, ids));

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

  @Mutation(() => Breach, {
    description:
      'Records a notice to one supervisory authority (a code of `authoritiesToNotify`): the INITIAL one, after 72 hours only with ' +
      '`lateReason`; then FOLLOW_UP and FINAL ones as the information comes in phases (Art. 33(4)).',
  })
  recordAuthorityNotice(
    @Arg('id', () => ID) id: string,
    @Arg('authority', () => ID, { description: 'The authority told, by code, such as "FR-CNIL" or "GB-ICO".' }) authority: string,
    @Arg('notifiedAt', () => DateTimeResolver, { nullable: true, description: 'When it was told; now when omitted.' }) notifiedAt: Date | null,
    @Arg('lateReason', () => String, { nullable: true, description: 'Why the INITIAL notice comes after 72 hours (Art. 33(1)); no contact details.' })
    lateReason: string | null,
    @Arg('phase', () => BreachNoticePhase, { nullable: true, description: 'INITIAL for the first notice to this authority, FOLLOW_UP after (the defaults), or FINAL.' })
    phase: BreachNoticePhase | null,
    @Arg('reference', () => String, { nullable: true, description: "The authority's case number." }) reference: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return recordAuthorityNotice(ctx.em, clocked(ctx), id, { authority, notifiedAt, lateReason, phase, reference });
  }

  @Mutation(() => Breach, {
    description: 'Adds or corrects what the report says: where the people live, when the processor told the company, the Art. 33(3) contents.',
  })
  updateBreach(@Arg('id', () => ID) id: string, @Arg('input', () => BreachUpdateInput) input: BreachUpdateInput, @Ctx() ctx: RequestContext) {
    return updateBreach(ctx.em, clocked(ctx), id, input);
  }

  @Mutation(() => Breach, { description: 'Re-assesses the risk, with its reason; the history keeps every assessment, and the notices owed follow.' })
  reassessBreachRisk(
    @Arg('id', () => ID) id: string,
    @Arg('risk', () => BreachRisk) risk: BreachRisk,
    @Arg('reason', { description: 'Why the risk is now different; no contact details.' }) reason: string,
    @Ctx() ctx: RequestContext,
  ) {
    return reassessBreachRisk(ctx.em, clocked(ctx), id, risk, reason);
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

  @FieldResolver(() => Boolean, {
    description:
      'True for RISK and HIGH_RISK: the people affected must be told, within 72 hours by the policy\'s promise, and for HIGH_RISK ' +
      'without undue delay (Art. 34(1)).',
  })
  subjectsNoticeRequired(@Root() breach: Breach) {
    return subjectsNoticeRequired(breach.risk);
  }

  @FieldResolver(() => [SupervisoryAuthority], {
    description:
      'The supervisory authorities owed a notice: the authority of each EEA state where affected people live, the ICO for GB, and the ' +
      'FDPIC for CH at HIGH_RISK. No lead authority stands in for the others: PythonMaster has no EEA establishment (EDPB ' +
      'Guidelines 9/2022 v2.0, para. 73). From `affectedResidence`, or its estimate (`affected.residence`).',
  })
  async authoritiesToNotify(@Root() breach: Breach, @Ctx() ctx: RequestContext) {
    return owedAuthorities(breach, await residenceLoader(ctx).load(breach)).map(supervisoryAuthority);
  }

  @FieldResolver(() => [BreachNoticeView], { description: 'One notice per authority owed one (or told), sent or not, with its phases.' })
  async notices(@Root() breach: Breach, @Ctx() ctx: RequestContext) {
    const [residence, sent] = await Promise.all([residenceLoader(ctx).load(breach), noticeLoader(ctx).load(breach.id)]);
    return noticesOf(owedAuthorities(breach, residence), sent, breach.authorityDueAt, authorityByCode, supervisoryAuthority);
  }

  @FieldResolver(() => DateTimeResolver, {
    nullable: true,
    deprecationReason: 'A breach may owe several authorities a notice: read `notices`.',
    description: 'When the last authority owed a notice was told (null while one is not); a notice recorded before `notices` as recorded.',
  })
  async authorityNotifiedAt(@Root() breach: Breach, @Ctx() ctx: RequestContext) {
    if (breach.authorityNotifiedAt) return breach.authorityNotifiedAt;
    const notices = (await this.notices(breach, ctx)).filter((notice) => notice.owed);
    if (notices.length === 0 || notices.some((notice) => !notice.notifiedAt)) return null;
    return new Date(Math.max(...notices.map((notice) => notice.notifiedAt!.getTime())));
  }

  @FieldResolver(() => String, { nullable: true, deprecationReason: 'Read `notices { lateReason }`.', description: 'A late-notice reason recorded before `notices`.' })
  authorityLateReason(@Root() breach: Breach) {
    return breach.authorityLateReason ?? null;
  }

  @FieldResolver(() => [BreachRiskAssessmentView], { description: 'Every assessment of the risk, the first (at the report) first.' })
  riskHistory(@Root() breach: Breach, @Ctx() { em, loaders }: RequestContext) {
    return loaders
      .custom<string, BreachRiskAssessmentView[]>('breach-risk-history', async (ids) => {
        const rows = await readRows<BreachRiskAssessmentView & { breach: string; assessedAt: Date | string }>(
          em,
          `select breach_id::text as "breach", risk, reason, assessed_at as "assessedAt", actor
           from breach_risk_assessment where breach_id::text = any(?::text[]) order by assessed_at, id`,
          [textArray(ids)],
        );
        return ids.map((id) =>
          rows
            .filter((row) => row.breach === id)
            .map(({ risk, reason, assessedAt, actor }) => ({ risk, reason: reason ?? null, actor, assessedAt: assessedAt instanceof Date ? assessedAt : timestampOf(assessedAt) })),
        );
      })
      .load(breach.id);
  }

  @FieldResolver(() => [Processor], { description: 'The processors involved, as reported.' })
  processors(@Root() breach: Breach, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Breach, 'processors').load(breach.id);
  }

  @FieldResolver(() => [ProcessingActivity], { description: 'The activities involved, as reported.' })
  activities(@Root() breach: Breach, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Breach, 'activities').load(breach.id);
  }

  @FieldResolver(() => BreachImpact, { description: 'What the breach touches, from the map as it is now, and where the people affected live.' })
  async affected(@Root() breach: Breach, @Ctx() ctx: RequestContext) {
    const { em, loaders } = ctx;
    const [impact, residence] = await Promise.all([
      loaders.custom<Breach, BreachImpact>('breach-impact', (breaches) => impactsOf(em, loaders, breaches)).load(breach),
      residenceLoader(ctx).load(breach),
    ]);
    return { ...impact, residence };
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

  @FieldResolver(() => [Country], { description: 'Where the data concerned is processed (not where the people live: see `residence`).' })
  countries(@Root() impact: BreachImpact, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).loadMany(impact.countryCodes);
  }

  @FieldResolver(() => BreachResidence, { description: 'Where the people affected live: as reported in `affectedResidence`, or estimated, and said so.' })
  residence(@Root() impact: BreachImpact) {
    return impact.residence!;
  }
}

@Resolver(() => BreachResidence)
export class BreachResidenceResolver {
  @FieldResolver(() => [Country], { description: 'The states (a subdivision counts for its country, an EEA territory for its member state).' })
  countries(@Root() residence: BreachResidence, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).loadMany(residence.countryCodes);
  }
}

@Resolver(() => ScheduledRecipient)
export class ScheduledRecipientResolver {
  @FieldResolver(() => Processor)
  processor(@Root() recipient: ScheduledRecipient, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).load(recipient.processorKey);
  }

  @FieldResolver(() => Country)
  country(@Root() recipient: ScheduledRecipient, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).load(recipient.countryCode);
  }
}
