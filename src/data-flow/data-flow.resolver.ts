import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../common/connection';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RetentionRule } from '../retention/retention-rule.entity';
import type { RequestContext } from '../common/context';
import { dataMapGraph, drawGraph, DRAWING_LIMITS, flowsForProfile, pageOfExcludedFlows, pageOfFlows, pageOfProfileFlows, type ProfileFlows } from './data-flow.service';
import {
  DataFlow,
  DataFlowConnection,
  DataFlowFilter,
  DataMapGraph,
  ExcludedFlowConnection,
  ExclusionReason,
  GraphLevel,
  MapSearchHit,
  ProcessorGrouping,
  SubjectProfileInput,
  UserDataFlow,
  UserDataFlowSummary,
} from './data-flow.types';
import { searchMap } from './map-search';

@ArgsType()
class DataFlowListArgs extends PageArgs {
  @Field(() => DataFlowFilter, { nullable: true, description: 'Only the flows that match; all flows without it.' })
  filter?: DataFlowFilter | null;
}

const filterArg = { nullable: true, description: 'Only the flows that match; all flows without it.' } as const;

@Resolver(() => DataFlow)
export class DataFlowResolver {
  @Query(() => DataFlowConnection, {
    description: 'Every path of personal data through the map (only ACTIVE processors), in flow order: activity, category, processor, destination.',
  })
  dataFlows(@Args() { filter, ...page }: DataFlowListArgs, @Ctx() { em }: RequestContext) {
    return pageOfFlows(em, filter, page);
  }

  @Query(() => UserDataFlow, { description: "Which flows carry one person's data, and why the other flows do not. Stores nothing." })
  userDataFlow(
    @Arg('profile', () => SubjectProfileInput) profile: SubjectProfileInput,
    @Arg('filter', () => DataFlowFilter, filterArg) filter: DataFlowFilter | null,
    @Ctx() { em, ageGate }: RequestContext,
  ) {
    return flowsForProfile(em, profile, filter, ageGate);
  }

  @Query(() => DataMapGraph, {
    description:
      'The flows as a graph of categories, activities, processors and countries (FULL), or summarised at any size of map ' +
      '(SUMMARY), drawn in Mermaid and DOT.',
  })
  dataMapGraph(
    @Arg('filter', () => DataFlowFilter, filterArg) filter: DataFlowFilter | null,
    @Arg('level', () => GraphLevel, { defaultValue: GraphLevel.FULL }) level: GraphLevel,
    @Arg('groupProcessorsBy', () => ProcessorGrouping, { defaultValue: ProcessorGrouping.COUNTRY, description: 'How the SUMMARY level groups processors.' })
    groupProcessorsBy: ProcessorGrouping,
    @Ctx() { em, loaders }: RequestContext,
  ) {
    return dataMapGraph(em, loaders, filter, { level, groupProcessorsBy });
  }

  @Query(() => [MapSearchHit], {
    description:
      'Categories, purposes, processing activities, ACTIVE processors and countries whose key or name contains `text` (any case), ' +
      'names that start with it first: each hit names the DataFlowFilter field that narrows the map to it.',
  })
  dataMapSearch(
    @Arg('text', { description: '1 to 100 characters.' }) text: string,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many hits at most (1 to 50).' }) first: number,
    @Ctx() { em }: RequestContext,
  ) {
    return searchMap(em, text, first);
  }

  @FieldResolver(() => DataCategory, { description: 'The category of data, as the activity declares it.' })
  category(@Root() flow: Readonly<DataFlow>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(DataCategory).load(flow.categoryKey);
  }

  @FieldResolver(() => ProcessingActivity, { description: 'The processing activity that uses the data.' })
  activity(@Root() flow: Readonly<DataFlow>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(ProcessingActivity).load(flow.activityKey);
  }

  @FieldResolver(() => Purpose, { description: "The activity's purpose." })
  purpose(@Root() flow: Readonly<DataFlow>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Purpose).load(flow.purposeKey);
  }

  @FieldResolver(() => Processor, { description: 'The processor that receives the data.' })
  processor(@Root() flow: Readonly<DataFlow>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).load(flow.processorKey);
  }

  @FieldResolver(() => Country, { description: 'Where the processor processes it: one of its locations, or its headquarters when it records none.' })
  destination(@Root() flow: Readonly<DataFlow>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).load(flow.destinationCode);
  }

  @FieldResolver(() => RetentionRule, { nullable: true, description: "How long the activity keeps the data; null when it records no rule." })
  retention(@Root() flow: Readonly<DataFlow>, @Ctx() { loaders }: RequestContext) {
    return flow.retentionKey === null ? null : loaders.byKey(RetentionRule).load(flow.retentionKey);
  }
}

@ArgsType()
class ExcludedFlowArgs extends PageArgs {
  @Field(() => [ExclusionReason], { nullable: true, description: 'Only flows excluded for these reasons; every reason without it.' })
  reasons?: ExclusionReason[] | null;
}

@Resolver(() => UserDataFlow)
export class UserDataFlowResolver {
  @FieldResolver(() => DataFlowConnection, { description: "The flows that carry the person's data, in flow order, a page at a time." })
  flows(@Root() question: ProfileFlows, @Args() page: PageArgs, @Ctx() { em }: RequestContext) {
    return pageOfProfileFlows(em, question, page);
  }

  @FieldResolver(() => ExcludedFlowConnection, {
    description: 'Every other flow of the map (within the filter), with the reason it does not apply, in flow order, a page at a time.',
  })
  excluded(@Root() question: ProfileFlows, @Args() { reasons, ...page }: ExcludedFlowArgs, @Ctx() { em }: RequestContext) {
    return pageOfExcludedFlows(em, question, reasons, page);
  }

  @FieldResolver(() => UserDataFlowSummary, { description: 'What the person\'s data reaches, over every flow, from aggregates.' })
  summary(@Root() question: ProfileFlows) {
    return question.summary();
  }

  @FieldResolver(() => [Processor], { description: "The distinct processors the person's data reaches, in key order." })
  async processors(@Root() question: ProfileFlows, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).loadMany((await question.summary()).processorKeys);
  }

  @FieldResolver(() => Country, { description: 'The country the person is in (of a subdivision, its country); kept for rules that depend on it, such as the age gate.' })
  country(@Root() question: ProfileFlows, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).load(question.countryCode);
  }
}

@Resolver(() => UserDataFlowSummary)
export class UserDataFlowSummaryResolver {
  @FieldResolver(() => [Processor], { description: "The distinct processors the person's data reaches, in key order." })
  processors(@Root() summary: Readonly<UserDataFlowSummary>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).loadMany(summary.processorKeys);
  }

  @FieldResolver(() => [Country], { description: "The distinct countries the person's data goes to, in code order." })
  countries(@Root() summary: Readonly<UserDataFlowSummary>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).loadMany(summary.countryCodes);
  }

  @FieldResolver(() => [DataCategory], { description: "The distinct categories of the person's data that flow, in key order." })
  categories(@Root() summary: Readonly<UserDataFlowSummary>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(DataCategory).loadMany(summary.categoryKeys);
  }
}

@Resolver(() => DataMapGraph)
export class DataMapGraphResolver {
  @FieldResolver(() => String, {
    description: `A Mermaid \`flowchart LR\`; transfers without safeguards are dotted and red. A graph of more than ${DRAWING_LIMITS.mermaid} edges (Mermaid's own limit) is refused with BAD_USER_INPUT: filter it, or ask the SUMMARY level.`,
  })
  mermaid(@Root() graph: Readonly<DataMapGraph>) {
    return drawGraph(graph, 'mermaid');
  }

  @FieldResolver(() => String, {
    description: `A Graphviz digraph; transfers without safeguards are dashed and red. A graph of more than ${DRAWING_LIMITS.dot} edges is refused with BAD_USER_INPUT: filter it, or ask the SUMMARY level.`,
  })
  dot(@Root() graph: Readonly<DataMapGraph>) {
    return drawGraph(graph, 'dot');
  }
}
