import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo, type Page } from '../common/connection';
import { Regime } from '../country/regime';
import { LegalBasis } from '../processing-activity/legal-basis';
import { TransferMechanism } from '../processor/transfer-mechanism';
import type { GraphNodeKind } from './graph-render';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RetentionRule } from '../retention/retention-rule.entity';

/** One hop of a flow: a transfer from the organisation, or from an engager, to a recipient in a country. */
@ObjectType({ description: 'One hop of a flow: the organisation, or the recipient that engaged the next one, hands the data on (Art. 28(2),(4); Art. 44 onward transfers).' })
export class TransferHop {
  /** The sender's key; null for the organisation. */
  fromKey!: string | null;
  toKey!: string;
  destinationCode!: string;

  @Field(() => TransferMechanism, { nullable: true, description: "What makes this hop lawful under the flow's regime; null inside the regime's territory, and when no regime applies." })
  mechanism!: TransferMechanism | null;

  @Field(() => String, { nullable: true, description: 'The instrument this hop relies on, as recorded on the recipient.' })
  reference!: string | null;

  @Field({
    description:
      "False when this hop goes outside the regime's territory without a valid ground under that regime, judged with its " +
      'own parties; true when no regime applies.',
  })
  safeguarded!: boolean;

  @Field({
    description:
      "True when this hop is a transfer under the flow's regime (a regime applies and the hop's destination is outside its " +
      'territory); false for a person under none of the regimes.',
  })
  regulatedTransfer!: boolean;

  @Field(() => String, { nullable: true, description: 'Why this hop is not safeguarded; null when it is.' })
  transferProblem!: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "The module of Decision (EU) 2021/914 this hop's parties call for (1 controller to controller, 2 controller to processor, " +
      "3 processor to processor), whatever its mechanism; null when the hop is no regulated transfer (inside the regime's territory, or no regime).",
  })
  sccModule!: number | null;
}

/**
 * One path of personal data: category -> activity -> recipient (-> its sub-processors) -> destination country.
 * It holds the keys of what it names; the page that reads it reads the objects the operation selects with it, in
 * the same statement, as plain rows (see `flow-relations.ts`), so a page of flows costs one statement.
 */
@ObjectType({ description: 'One path of personal data: a category, through a processing activity, to a recipient (and along its chain of sub-processors) in a country.' })
export class DataFlow {
  categoryKey!: string;
  activityKey!: string;
  purposeKey!: string;
  processorKey!: string;
  destinationCode!: string;
  retentionKey!: string | null;
  /** The activity's category the flow starts from (the flow carries a narrower one when its recipient is declared for it). */
  sourceCategoryKey?: string;
  /** The recipients it passes (see `ROUTES`): part of its position in flow order. */
  route?: string;

  @Field(() => DataCategory, { description: 'The category of data, as the activity declares it.' })
  category?: DataCategory;

  @Field(() => ProcessingActivity, { description: 'The processing activity that uses the data.' })
  activity?: ProcessingActivity;

  @Field(() => Purpose, { description: "The activity's purpose." })
  purpose?: Purpose;

  @Field(() => Processor, { description: 'The recipient that holds the data at `destination`: the last hop of `path`.' })
  processor?: Processor;

  @Field(() => Country, { description: 'Where the processor processes it: one of its locations, or its headquarters when it records none.' })
  destination?: Country;

  @Field(() => RetentionRule, { nullable: true, description: 'How long the activity keeps the data; null when it records no rule.' })
  retention?: RetentionRule | null;

  @Field(() => [TransferHop], {
    description:
      'Every hop from the organisation to `destination`, in order: the recipient the organisation engages, then each sub-processor ' +
      'along its chain. One hop for a recipient without sub-processors.',
  })
  path!: TransferHop[];

  @Field(() => LegalBasis, { description: "The activity's Art. 6(1) basis." })
  legalBasis!: LegalBasis;

  @Field({
    description:
      'True when the destination is outside the territory of the regime the flow is judged under: the EEA for EU_GDPR (a ' +
      'Chapter V transfer), the UK for UK_GDPR, Switzerland for SWISS_FADP (from both, the EEA is outside, and adequate). ' +
      "For a person under none of the regimes: outside the person's country.",
  })
  thirdCountry!: boolean;

  @Field({
    description:
      "True when the flow is a transfer in the sense of the regime's transfer rules (a regime applies and the destination " +
      'is outside its territory), which `mechanism` and `safeguarded` judge. Always false for a person under none of ' +
      'the regimes (`UserDataFlow.regime` null): a US user\'s data handled by a US controller is not transferred in the ' +
      "GDPR's sense, and US state laws are not modelled here.",
  })
  regulatedTransfer!: boolean;

  @Field(() => TransferMechanism, {
    nullable: true,
    description: "What makes the transfer lawful under the regime, from the location's safeguard for it; null inside the regime's territory, and when no regime applies.",
  })
  mechanism!: TransferMechanism | null;

  @Field(() => String, { nullable: true, description: "The instrument the mechanism relies on, as recorded on the processor's location for the regime." })
  reference!: string | null;

  @Field({
    description:
      'True only when every hop of `path` is: a hop whose transfer lacks a valid ground under the regime the flow is ' +
      "judged under makes the flow unsafeguarded (`transferProblem` says why); true inside the regime's territory, and " +
      'when no regime applies.',
  })
  safeguarded!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the transfer is not safeguarded; null when it is.' })
  transferProblem!: string | null;

  @Field({
    description:
      "True while the processor, or this country of it, is in its notice period: announced on /subprocessors, but no data " +
      "flows to it before `effectiveFrom`.",
  })
  pending!: boolean;

  @Field(() => DateTimeResolver, { nullable: true, description: 'While `pending`: when data starts to flow ("from <date>"); null once it flows.' })
  effectiveFrom!: Date | null;
}

export enum ExclusionReason {
  CONSENT_NOT_GIVEN = 'CONSENT_NOT_GIVEN',
  NOT_COLLECTED = 'NOT_COLLECTED',
  BELOW_DIGITAL_CONSENT_AGE = 'BELOW_DIGITAL_CONSENT_AGE',
  SUBPROCESSOR_NOTICE_PERIOD = 'SUBPROCESSOR_NOTICE_PERIOD',
}

registerEnumType(ExclusionReason, {
  name: 'ExclusionReason',
  description: "Why a flow of the map does not carry one person's data.",
  valuesConfig: {
    NOT_COLLECTED: {
      description: 'No collection point the person went through (nor an automatic one) feeds the activity with this category.',
    },
    CONSENT_NOT_GIVEN: { description: 'The data is collected, but the activity relies on a consent the person did not grant.' },
    BELOW_DIGITAL_CONSENT_AGE: {
      description:
        'The person is younger than the age of digital consent of their jurisdiction (the age policy) and no holder of parental ' +
        'responsibility consented (`parentalConsent`): an activity on consent cannot rest on the child\'s own (GDPR Art. 8(1)); ' +
        'in Quebec (private sector Act s.4.1, Law 25) and India (DPDP Act 2023 s.9(1)), no activity can, whatever its basis.',
    },
    SUBPROCESSOR_NOTICE_PERIOD: {
      description: 'The flow would apply, but its processor is still in its sub-processor notice period (see `effectiveFrom`).',
    },
  },
});

@ObjectType({ description: 'A data flow in a page, with its cursor.' })
export class DataFlowEdge {
  @Field({ description: 'Where this flow sits: pass it as `after` or `before` to page from here.' })
  cursor!: string;

  @Field(() => DataFlow)
  node!: DataFlow;
}

@ObjectType({ description: 'A page of data flows, in flow order (activity, category, route, destination).' })
export class DataFlowConnection {
  @Field(() => [DataFlow], { description: 'The flows of this page.' })
  nodes!: DataFlow[];

  @Field(() => [DataFlowEdge], { description: 'The flows of this page with their cursors.' })
  edges!: Page<DataFlow>['edges'];

  @Field(() => PageInfo, { description: 'Where this page starts and ends.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many flows match, across all pages (counted only when asked for).' })
  totalCount!: Page<DataFlow>['totalCount'];
}

@ObjectType({ description: 'A flow of the map that does not apply to the person, and why.' })
export class ExcludedFlow {
  @Field(() => DataFlow)
  flow!: DataFlow;

  @Field(() => ExclusionReason)
  reason!: ExclusionReason;
}

@ObjectType({ description: 'An excluded flow in a page, with its cursor.' })
export class ExcludedFlowEdge {
  @Field({ description: 'Where this flow sits: pass it as `after` or `before` to page from here.' })
  cursor!: string;

  @Field(() => ExcludedFlow)
  node!: ExcludedFlow;
}

@ObjectType({ description: 'A page of the flows that do not apply to the person, in flow order.' })
export class ExcludedFlowConnection {
  @Field(() => [ExcludedFlow], { description: 'The excluded flows of this page.' })
  nodes!: ExcludedFlow[];

  @Field(() => [ExcludedFlowEdge], { description: 'The excluded flows of this page with their cursors.' })
  edges!: Page<ExcludedFlow>['edges'];

  @Field(() => PageInfo, { description: 'Where this page starts and ends.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many flows are excluded (for the reasons asked), across all pages.' })
  totalCount!: Page<ExcludedFlow>['totalCount'];
}

@ObjectType({ description: 'How many flows one exclusion reason keeps from the person.' })
export class ExclusionCount {
  @Field(() => ExclusionReason)
  reason!: ExclusionReason;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: "What one person's data reaches, counted over every flow of the map (within the filter)." })
export class UserDataFlowSummary {
  processorKeys!: string[];
  countryCodes!: string[];
  categoryKeys!: string[];

  @Field(() => Int, { description: 'How many flows carry the person\'s data.' })
  flowCount!: number;

  @Field(() => Int, { description: 'How many flows of the map do not.' })
  excludedCount!: number;

  @Field(() => [ExclusionCount], { description: 'The excluded flows by reason, in the order of the reasons; a reason that excludes nothing is left out.' })
  excludedByReason!: ExclusionCount[];
}

@ObjectType({ description: "Where one person's data flows, and which flows of the map do not apply to them." })
export class UserDataFlow {
  /** The profile's country code, resolved to the country by the resolver. */
  countryCode!: string;

  @Field(() => Regime, {
    nullable: true,
    description:
      "The regime whose transfer rules judge the person's flows, from where they are: EU_GDPR in the EEA and its " +
      'territories, UK_GDPR in the United Kingdom (GB and its subdivisions), SWISS_FADP in Switzerland. Null anywhere ' +
      "else: none of the three governs the person's data as a transfer, so no flow is judged (`regulatedTransfer` false, " +
      '`safeguarded` true, `mechanism` null); US state laws and other regimes are not modelled.',
  })
  regime!: Regime | null;
}

/** The renderers' node kinds, as a GraphQL enum. */
const GraphNodeKindEnum = {
  CATEGORY: 'CATEGORY',
  ACTIVITY: 'ACTIVITY',
  PURPOSE: 'PURPOSE',
  PROCESSOR: 'PROCESSOR',
  PROCESSOR_GROUP: 'PROCESSOR_GROUP',
  COUNTRY: 'COUNTRY',
} as const satisfies Record<GraphNodeKind, GraphNodeKind>;

registerEnumType(GraphNodeKindEnum, {
  name: 'GraphNodeKind',
  description: 'What a node of the data-map graph stands for.',
  valuesConfig: {
    PURPOSE: { description: 'A purpose, standing for the activities that pursue it (the SUMMARY level).' },
    PROCESSOR_GROUP: { description: 'Processors grouped by destination country or by safeguard (the SUMMARY level).' },
  },
});

/** What an edge of the data-map graph stands for. */
export enum GraphEdgeKind {
  USED_BY = 'USED_BY',
  PROCESSED_BY = 'PROCESSED_BY',
  PROCESSED_IN = 'PROCESSED_IN',
  ENGAGES = 'ENGAGES',
  SENT_TO = 'SENT_TO',
}

registerEnumType(GraphEdgeKind, {
  name: 'GraphEdgeKind',
  description: 'What an edge of the data-map graph stands for.',
  valuesConfig: {
    USED_BY: { description: 'A category is used by an activity (or, summarised, for a purpose).' },
    PROCESSED_BY: { description: 'An activity (or a purpose) hands the data to a processor (or a group of them).' },
    PROCESSED_IN: { description: 'A processor (or a group) processes the data in a country: a transfer when outside the EEA.' },
    ENGAGES: { description: 'A processor hands the data on to a sub-processor it engaged (Art. 28(2),(4)): the next hop of a chain.' },
    SENT_TO: {
      description:
        'The code sends data of a category to a vendor the map does not declare (evidence from code, see `reconcileEvidence`): ' +
        'no declared flow passes along it; the vendor is a PROCESSOR node of class "undeclared".',
    },
  },
});

/** How much of the map a graph shows. */
export enum GraphLevel {
  FULL = 'FULL',
  SUMMARY = 'SUMMARY',
}

registerEnumType(GraphLevel, {
  name: 'GraphLevel',
  description: 'How much of the map a graph shows.',
  valuesConfig: {
    FULL: { description: 'Every category, activity, processor and country of the flows.' },
    SUMMARY: {
      description:
        'Categories at the level below the filter\'s (the top level without one) -> purposes likewise -> processors grouped by ' +
        'country or by safeguard (see `groupProcessorsBy`), each node with the number of entities it stands for and each ' +
        'edge with the number of flows along it: a picture of any size of map.',
    },
  },
});

/** How the SUMMARY level groups processors. */
export enum ProcessorGrouping {
  COUNTRY = 'COUNTRY',
  SAFEGUARD = 'SAFEGUARD',
}

registerEnumType(ProcessorGrouping, {
  name: 'ProcessorGrouping',
  description: 'How the SUMMARY level groups processors.',
  valuesConfig: {
    COUNTRY: { description: 'By the country where they process the data (a processor in two countries is in two groups).' },
    SAFEGUARD: { description: 'By what the transfer rests on: within the EEA, each mechanism, or no safeguard; then the countries.' },
  },
});

/** The DataFlowFilter fields that narrow the map to one node, with the node's key as the value. */
export type FilterField = 'categories' | 'activities' | 'purposes' | 'processors' | 'destinations';

@ObjectType({ description: 'A node of the data-map graph.' })
export class GraphNode {
  @Field(() => ID, { description: 'Unique in the graph: kind and key, such as "category:contact" or "country:US".' })
  id!: string;

  @Field(() => GraphNodeKindEnum)
  kind!: GraphNodeKind;

  @Field(() => ID, { description: 'The key of the entity (the ISO code for a country; for a PROCESSOR_GROUP, the country code or the safeguard).' })
  key!: string;

  @Field({ description: 'The name shown in drawings.' })
  label!: string;

  @Field(() => Int, { description: 'How many entities of the map it stands for: 1 at the FULL level; at the SUMMARY level, the categories, activities or processors it groups.' })
  count!: number;

  @Field(() => Int, { description: 'How many flows pass through it.' })
  flows!: number;

  @Field(() => [String], {
    description:
      'Classes a drawing styles it by, beside its kind: "group" (it stands for more than one entity: narrow the filter to see them), ' +
      '"unsafeguarded" (a processor, or a group of them, that receives a transfer without a safeguard), ' +
      '"undeclared" (a vendor the code calls with no ACTIVE processor, from the evidence of `reconcileEvidence`: drawn apart).',
  })
  classes!: string[];

  @Field(() => String, {
    nullable: true,
    description: 'The DataFlowFilter field that narrows the map to this node, with `key` as its value (such as "categories"); null when none does.',
  })
  filterField!: FilterField | null;
}

@ObjectType({ description: 'An edge of the data-map graph: category -> activity -> processor -> country, or between their groups at the SUMMARY level (see `kind`).' })
export class GraphEdge {
  @Field(() => ID, { description: 'The id of the node it starts from.' })
  from!: string;

  @Field(() => ID, { description: 'The id of the node it points to.' })
  to!: string;

  @Field(() => GraphEdgeKind)
  kind!: GraphEdgeKind;

  @Field(() => String, { nullable: true, description: 'For processor -> country: the transfer mechanism, or "no safeguard"; at the SUMMARY level, the flows along it.' })
  label!: string | null;

  @Field({ description: 'False when a third-country transfer without a valid mechanism passes along it; true otherwise.' })
  safeguarded!: boolean;

  @Field(() => Int, { description: 'How many flows pass along it.' })
  flows!: number;

  @Field(() => [String], { description: 'Classes a drawing styles it by, beside its kind: "unsafeguarded", "undeclared" (a SENT_TO edge).' })
  classes!: string[];
}

@ObjectType({ description: 'How large the FULL graph of the flows (within the filter) is, whatever the level asked.' })
export class GraphSize {
  @Field(() => Int, { description: 'Categories, activities, processors and countries.' })
  nodes!: number;

  @Field(() => Int)
  edges!: number;

  @Field(() => Int)
  flows!: number;
}

@ObjectType({ description: 'The data map as a graph, with the same graph as Mermaid and Graphviz text.' })
export class DataMapGraph {
  @Field(() => GraphLevel)
  level!: GraphLevel;

  @Field(() => [GraphNode], { description: 'Nodes by kind, left to right (categories, activities or purposes, processors or their groups, countries), each kind in key order.' })
  nodes!: GraphNode[];

  @Field(() => [GraphEdge], { description: 'Edges in the order of the nodes they start from, then of those they point to.' })
  edges!: GraphEdge[];

  @Field(() => GraphSize, { description: 'The size of the FULL graph within the filter: whether it can be drawn.' })
  size!: GraphSize;
}

@InputType({ description: 'Narrows the flows. Every list given must match; an empty list matches nothing.' })
export class DataFlowFilter {
  @Field(() => [ID], { nullable: true, description: 'Categories by key; a key also matches its descendants.' })
  categories?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Processors by key.' })
  processors?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Processing activities by key.' })
  activities?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Activities' purposes by key; a key also matches its narrower purposes." })
  purposes?: string[] | null;

  @Field(() => [LegalBasis], { nullable: true, description: "Activities' legal bases." })
  legalBases?: LegalBasis[] | null;

  @Field(() => [String], { nullable: true, description: 'Destination countries by ISO 3166-1 alpha-2 code.' })
  destinations?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "True: only flows to countries outside the territory of the regime they are judged under (the EEA for EU_GDPR, the UK " +
      "for UK_GDPR, Switzerland for SWISS_FADP; for a person under none, outside the person's country).",
  })
  thirdCountryOnly?: boolean | null;

  @Field(() => Regime, {
    nullable: true,
    description:
      'The regime whose transfer rules judge the flows (`thirdCountry`, `mechanism`, `safeguarded`, the graph\'s safeguards): ' +
      "EU_GDPR when absent. In `userDataFlow` the person's country decides it; give none there, or the same one.",
  })
  regime?: Regime | null;
}

@InputType({ description: 'One person, described for the question "where does my data go". Nothing of it is stored.' })
export class SubjectProfileInput {
  @Field({ description: 'Where the person is: ISO 3166-1 alpha-2, or a subdivision such as "CA-QC".' })
  country!: string;

  @Field(() => [ID], { description: 'The collection points the person went through; automatic ones apply anyway.' })
  collectionPoints!: string[];

  @Field(() => [ID], { description: 'The consents the person granted.' })
  consents!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'The birth date, `YYYY-MM-DD`, as the age gate takes it: used for calendar arithmetic only, never stored or logged. ' +
      "With it, a child's flows that need a parent's consent are excluded (BELOW_DIGITAL_CONSENT_AGE) unless `parentalConsent`.",
  })
  birthDate?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone whose date is "today" for `birthDate` ("Europe/Berlin"); UTC when absent.' })
  timeZone?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'True when a holder of parental responsibility consented for the person (GDPR Art. 8(1); Law 25 s.4.1; DPDP Act s.9(1)).',
  })
  parentalConsent?: boolean | null;
}

@ObjectType({ description: 'Something of the map whose key or name matches a search: a filter narrows the map to it.' })
export class MapSearchHit {
  @Field(() => GraphNodeKindEnum)
  kind!: GraphNodeKind;

  @Field(() => ID)
  key!: string;

  @Field({ description: 'Its name.' })
  label!: string;

  @Field(() => String, { description: 'The DataFlowFilter field that narrows the map to it, with `key` as its value.' })
  filterField!: FilterField;
}
