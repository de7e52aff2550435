import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection } from '../common/connection';
import { loadReference } from '../common/registry.resolver';
import { Consent } from '../consent/consent.entity';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RecipientCategory } from '../recipient/recipient-category.entity';
import { RetentionRule } from '../retention/retention-rule.entity';
import { DataSubjectRight } from '../rights/data-subject-right.entity';
import { clocked, type RequestContext } from '../common/context';
import { DateTimeResolver } from 'graphql-scalars';
import {
  IdentityVerificationMethod,
  IdentityVerificationOutcome,
  RefusalGround,
  RightsRequest,
  RightsRequestStatus,
} from './rights-request.entity';
import { rightsDeadlineRule } from './rights-deadline.reference';
import { RightsRequestInput, RightsRequestListArgs } from './rights-request.inputs';
import { timelinessOf } from './rights-request.rules';
import {
  createRightsRequest,
  extendRightsRequest,
  listRightsRequests,
  rightsRequestStats,
  scopesOf,
  updateRightsRequest,
  verifyRightsRequestIdentity,
} from './rights-request.service';
import {
  IdentityVerification,
  RightsDeadlineRuleType,
  RightsRequestScope,
  RightsRequestStats,
  ScopeActivity,
  ScopeCopy,
  ScopeProcessor,
  Timeliness,
} from './rights-request.types';

const RightsRequestConnection = Connection(RightsRequest);


@Resolver(() => RightsRequest)
export class RightsRequestResolver {
  @Query(() => RightsRequestConnection, {
    description: 'The register of rights requests, the most urgent first (by deadline). Privacy officers and auditors only.',
  })
  rightsRequests(@Args() args: RightsRequestListArgs, @Ctx() { em }: RequestContext) {
    return listRightsRequests(em, args);
  }

  @Query(() => RightsRequestStats, { description: 'The register in numbers: by right, status and timeliness. Names no one.' })
  rightsRequestStats(@Ctx() ctx: RequestContext) {
    return rightsRequestStats(ctx.em, ctx.clock());
  }

  @Mutation(() => RightsRequest, { description: 'Logs a rights request and sets its deadline from the jurisdiction.' })
  createRightsRequest(@Arg('input', () => RightsRequestInput) input: RightsRequestInput, @Ctx() ctx: RequestContext) {
    return createRightsRequest(ctx.em, clocked(ctx), input);
  }

  @Mutation(() => RightsRequest, {
    description:
      'Extends the deadline once, as the rule that set it allows (two months under the GDPR, 45 days in California, to a stated ' +
      'date in Switzerland), with the reason told to the person. The reason holds no email address or phone number.',
  })
  extendRightsRequest(
    @Arg('id', () => ID) id: string,
    @Arg('reason') reason: string,
    @Arg('until', () => DateTimeResolver, {
      nullable: true,
      description: 'The new deadline: required where the controller states it (Switzerland); elsewhere at most the longest extension, which is the default.',
    })
    until: Date | null,
    @Ctx() ctx: RequestContext,
  ) {
    return extendRightsRequest(ctx.em, clocked(ctx), id, reason, until);
  }

  @Mutation(() => RightsRequest, {
    description:
      "Records how the requester's identity was checked: VERIFIED moves the request to IN_PROGRESS; NOT_VERIFIED refuses it " +
      '(RECEIVED or VERIFYING -> REFUSED) with the ground IDENTITY_NOT_VERIFIED.',
  })
  verifyRightsRequestIdentity(
    @Arg('id', () => ID) id: string,
    @Arg('method', () => IdentityVerificationMethod) method: IdentityVerificationMethod,
    @Arg('outcome', () => IdentityVerificationOutcome) outcome: IdentityVerificationOutcome,
    @Arg('reason', () => String, { nullable: true, description: 'For NOT_VERIFIED, the reason told to the person.' }) reason: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return verifyRightsRequestIdentity(ctx.em, clocked(ctx), id, method, outcome, reason);
  }

  @Mutation(() => RightsRequest, {
    description: 'Moves a request one step: RECEIVED -> VERIFYING -> IN_PROGRESS -> COMPLETED or REFUSED (with a reason).',
  })
  updateRightsRequest(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => RightsRequestStatus) status: RightsRequestStatus,
    @Arg('reason', () => String, { nullable: true, description: 'Required for REFUSED: the reason given to the person.' }) reason: string | null,
    @Arg('ground', () => RefusalGround, { nullable: true, description: 'For REFUSED: the ground as a code (OTHER when omitted).' })
    ground: RefusalGround | null,
    @Ctx() ctx: RequestContext,
  ) {
    return updateRightsRequest(ctx.em, clocked(ctx), id, status, reason, ground);
  }

  @FieldResolver(() => RightsDeadlineRuleType, {
    nullable: true,
    description: 'The rule that set the clock, with its law and sources; null for a request logged before the rules were kept.',
  })
  deadlineRule(@Root() request: RightsRequest) {
    return request.deadlineRuleId ? rightsDeadlineRule(request.deadlineRuleId) : null;
  }

  @FieldResolver(() => IdentityVerification, { nullable: true, description: "How the requester's identity was checked; null until it is." })
  identityVerification(@Root() request: RightsRequest): IdentityVerification | null {
    if (!request.identityMethod || !request.identityOutcome || !request.identityCheckedAt) return null;
    return { method: request.identityMethod, outcome: request.identityOutcome, checkedAt: request.identityCheckedAt };
  }

  @FieldResolver(() => DataSubjectRight, { description: 'The right exercised.' })
  right(@Root() request: RightsRequest, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, DataSubjectRight, request.right);
  }

  @FieldResolver(() => Timeliness, { description: 'ON_TIME or LATE once closed; OPEN or OVERDUE while open.' })
  timeliness(@Root() request: RightsRequest, @Ctx() { clock }: RequestContext) {
    return timelinessOf(request, clock());
  }

  @FieldResolver(() => RightsRequestScope, {
    description:
      "What the request touches, from the person's flows on the map as it is now; for a closed request, as it was when it " +
      'closed (whom the notices went to).',
  })
  scope(@Root() request: RightsRequest, @Ctx() { em, loaders }: RequestContext) {
    if (request.frozenScope) return request.frozenScope as unknown as RightsRequestScope;
    return loaders.custom<RightsRequest, RightsRequestScope>('rights-request-scope', (requests) => scopesOf(em, requests)).load(request);
  }
}

@Resolver(() => RightsRequestScope)
export class RightsRequestScopeResolver {
  @FieldResolver(() => [Processor], {
    description: 'For erasure, rectification and restriction: the recipients to tell (Art. 19); empty for other rights.',
  })
  recipientsToNotify(@Root() scope: RightsRequestScope, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).loadMany(scope.recipientKeys);
  }

  @FieldResolver(() => [RecipientCategory], {
    description:
      'The categories of recipients the data of the scope\'s activities may be disclosed to, besides the processors (Art. 15(1)(c), ' +
      '30(1)(d)), each with its condition, in key order: such as the advertising partners of `advertising` when the person ' +
      'accepted marketing cookies. A category that lists no activity receives from every activity.',
  })
  recipientCategories(@Root() scope: RightsRequestScope, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(RecipientCategory).loadMany(scope.recipientCategoryKeys ?? []);
  }
}

@Resolver(() => ScopeProcessor)
export class ScopeProcessorResolver {
  @FieldResolver(() => Processor)
  processor(@Root() holder: ScopeProcessor, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).load(holder.processorKey);
  }

  @FieldResolver(() => [ProcessingActivity], { description: "The activities for which it holds the person's data." })
  activities(@Root() holder: ScopeProcessor, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(ProcessingActivity).loadMany(holder.activityKeys);
  }

  @FieldResolver(() => [DataCategory], { description: 'The categories it holds.' })
  categories(@Root() holder: ScopeProcessor, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(DataCategory).loadMany(holder.categoryKeys);
  }

  @FieldResolver(() => [Country], { description: 'Where it processes them.' })
  countries(@Root() holder: ScopeProcessor, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).loadMany(holder.countryCodes);
  }
}

@Resolver(() => ScopeActivity)
export class ScopeActivityResolver {
  @FieldResolver(() => ProcessingActivity)
  activity(@Root() scope: ScopeActivity, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(ProcessingActivity).load(scope.activityKey);
  }

  @FieldResolver(() => Purpose)
  purpose(@Root() scope: ScopeActivity, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Purpose).load(scope.purposeKey);
  }

  @FieldResolver(() => RetentionRule, { nullable: true })
  retention(@Root() scope: ScopeActivity, @Ctx() { loaders }: RequestContext) {
    return scope.retentionKey === null ? null : loaders.byKey(RetentionRule).load(scope.retentionKey);
  }

  @FieldResolver(() => [DataCategory], { description: "The person's categories the activity uses." })
  categories(@Root() scope: ScopeActivity, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(DataCategory).loadMany(scope.categoryKeys);
  }

  @FieldResolver(() => [Processor], { description: 'The processors it hands them to; empty when it keeps the data itself.' })
  processors(@Root() scope: ScopeActivity, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).loadMany(scope.processorKeys);
  }

  @FieldResolver(() => Consent, {
    nullable: true,
    description:
      'The consent the person gave for this activity and has since withdrawn (`pastConsents`), when the data it fed is still ' +
      'retained under the activity\'s retention rule; null when the activity holds the data on what the person gives now.',
  })
  withdrawnConsent(@Root() scope: ScopeActivity, @Ctx() { loaders }: RequestContext) {
    return scope.withdrawnConsentKey ? loaders.byKey(Consent).load(scope.withdrawnConsentKey) : null;
  }
}

@Resolver(() => ScopeCopy)
export class ScopeCopyResolver {
  @FieldResolver(() => [DataCategory], { description: 'The categories of data the copy contains (Art. 15(1)(b)).' })
  categories(@Root() copy: ScopeCopy, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(DataCategory).loadMany(copy.categoryKeys);
  }

  @FieldResolver(() => [Purpose], { description: 'The purposes to state (Art. 15(1)(a)).' })
  purposes(@Root() copy: ScopeCopy, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Purpose).loadMany(copy.purposeKeys);
  }

  @FieldResolver(() => [Processor], { description: 'The recipients to name (Art. 15(1)(c)).' })
  recipients(@Root() copy: ScopeCopy, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).loadMany(copy.processorKeys);
  }

  @FieldResolver(() => [Country], { description: 'The countries the data goes to (Art. 15(2) for third countries).' })
  countries(@Root() copy: ScopeCopy, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).loadMany(copy.countryCodes);
  }

  @FieldResolver(() => [RetentionRule], { description: 'How long each part is kept (Art. 15(1)(d)).' })
  retentionRules(@Root() copy: ScopeCopy, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(RetentionRule).loadMany(copy.retentionKeys);
  }
}
