import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { CollectionPoint } from '../collection-point/collection-point.entity';
import { Connection, PageArgs } from '../common/connection';
import { loadReference } from '../common/registry.resolver';
import { Consent } from '../consent/consent.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { DataSubjectType } from '../data-subject/data-subject-type.entity';
import { paginateRows } from '../db/paginate';
import { Processor } from '../processor/processor.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RetentionRule } from '../retention/retention-rule.entity';
import { SecurityMeasure } from '../security-measure/security-measure.entity';
import type { RequestContext } from '../common/context';
import { LegalBasis } from './legal-basis';
import { ProcessingActivity } from './processing-activity.entity';

const ProcessingActivityConnection = Connection(ProcessingActivity);

@ArgsType()
class ProcessingActivityListArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only activities with this purpose.' })
  purpose?: string | null;

  @Field(() => LegalBasis, { nullable: true, description: 'Only activities on this legal basis.' })
  legalBasis?: LegalBasis | null;

  @Field(() => ID, { nullable: true, description: 'Only activities this processor serves.' })
  processor?: string | null;
}

@Resolver(() => ProcessingActivity)
export class ProcessingActivityResolver {
  @Query(() => ProcessingActivityConnection, { description: 'The record of processing activities, in key order.' })
  processingActivities(
    @Args() { purpose, legalBasis, processor, ...page }: ProcessingActivityListArgs,
    @Ctx() { loaders }: RequestContext,
  ) {
    const where = {
      ...(purpose ? { purpose } : {}),
      ...(legalBasis ? { legalBasis } : {}),
      ...(processor ? { processors: processor } : {}),
    };
    return paginateRows(loaders, ProcessingActivity, where, page);
  }

  @FieldResolver(() => Purpose, { description: 'Why the data is processed.' })
  purpose(@Root() activity: Readonly<ProcessingActivity>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Purpose, activity.purpose);
  }

  @FieldResolver(() => Consent, { nullable: true, description: 'The consent a person must grant, when the basis is CONSENT.' })
  requiredConsent(@Root() activity: Readonly<ProcessingActivity>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Consent, activity.requiredConsent);
  }

  @FieldResolver(() => RetentionRule, { nullable: true, description: 'How long the data is kept.' })
  retention(@Root() activity: Readonly<ProcessingActivity>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, RetentionRule, activity.retention);
  }

  @FieldResolver(() => [DataCategory], { description: 'The categories of personal data it uses.' })
  dataCategories(@Root() activity: Readonly<ProcessingActivity>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(ProcessingActivity, 'dataCategories').load(activity.key);
  }

  @FieldResolver(() => [DataSubjectType], { description: 'Whose data it is.' })
  subjectTypes(@Root() activity: Readonly<ProcessingActivity>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(ProcessingActivity, 'subjectTypes').load(activity.key);
  }

  @FieldResolver(() => [CollectionPoint], { description: 'Where the data it uses is collected.' })
  collectionPoints(@Root() activity: Readonly<ProcessingActivity>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(ProcessingActivity, 'collectionPoints').load(activity.key);
  }

  @FieldResolver(() => [Processor], { description: 'The processors it uses, in any status.' })
  processors(@Root() activity: Readonly<ProcessingActivity>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(ProcessingActivity, 'processors').load(activity.key);
  }

  @FieldResolver(() => [SecurityMeasure], { description: 'Security measures protecting it (GDPR Art. 32).' })
  securityMeasures(@Root() activity: Readonly<ProcessingActivity>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(ProcessingActivity, 'securityMeasures').load(activity.key);
  }
}
