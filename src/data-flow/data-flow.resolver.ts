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
  TransferHop,
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
  dataFlows(@Args() { filter, ...page }: DataFlowListArgs, @Ctx() { em, loaders }: RequestContext) {
    return pageOfFlows(em, loaders, filter, page);
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
}

@Resolver(() => TransferHop)
export class TransferHopResolver {
  @FieldResolver(() => Processor, { nullable: true, description: 'Who hands the data on: the engaging processor; null for the organisation.' })
  from(@Root() hop: Readonly<TransferHop>, @Ctx() { loaders }: RequestContext) {
    return hop.fromKey === null ? null : loaders.byKey(Processor).load(hop.fromKey);
  }

  @FieldResolver(() => Processor, { description: 'The recipient of this hop.' })
  to(@Root() hop: Readonly<TransferHop>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).load(hop.toKey);
  }

  @FieldResolver(() => Country, { description: 'Where the recipient processes the data on this hop.' })
  destination(@Root() hop: Readonly<TransferHop>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).load(hop.destinationCode);
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
  flows(@Root() question: ProfileFlows, @Args() page: PageArgs, @Ctx() { em, loaders }: RequestContext) {
    return pageOfProfileFlows(em, loaders, question, page);
  }

  @FieldResolver(() => ExcludedFlowConnection, {
    description: 'Every other flow of the map (within the filter), with the reason it does not apply, in flow order, a page at a time.',
  })
  excluded(@Root() question: ProfileFlows, @Args() { reasons, ...page }: ExcludedFlowArgs, @Ctx() { em, loaders }: RequestContext) {
    return pageOfExcludedFlows(em, loaders, question, reasons, page);
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
