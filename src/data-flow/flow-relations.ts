import type { EntityClass } from '@mikro-orm/core';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import type { Loaders } from '../db/loaders';
import type { Row } from '../db/rows';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { Purpose } from '../purpose/purpose.entity';
import { RetentionRule } from '../retention/retention-rule.entity';
import type { DataFlow } from './data-flow.types';

/**
 * Each field of DataFlow that names an object of the map: its entity, and the flow's key of it (a column of the
 * flow statement, `FlowRow`).
 */
const FLOW_RELATIONS = {
  activity: { entity: ProcessingActivity, key: 'activityKey' },
  category: { entity: DataCategory, key: 'categoryKey' },
  purpose: { entity: Purpose, key: 'purposeKey' },
  processor: { entity: Processor, key: 'processorKey' },
  destination: { entity: Country, key: 'destinationCode' },
  retention: { entity: RetentionRule, key: 'retentionKey' },
} as const satisfies Record<string, { entity: EntityClass<object>; key: keyof DataFlow }>;

type FlowRelation = keyof typeof FLOW_RELATIONS;

/** A column a page of flows adds to its rows: the JSON of the object a field names, read in the same statement. */
export interface RelatedColumn {
  field: FlowRelation;
  column: string;
  sql: string;
}

/**
 * The objects a page of flows reads with its flows, each as the by-key loader of its entity would read it: those
 * the operation selects on DataFlow (every one when the operation is not known). `keyOf` names a flow's key column
 * in the statement. This is how DataFlow's object fields are resolved: the page sets them (`attachRelated`).
 */
export function relatedColumns(loaders: Loaders, keyOf: (column: string) => string): RelatedColumn[] {
  const selected = loaders.fields ? loaders.fields.get('DataFlow') ?? new Set<string>() : undefined;
  return (Object.keys(FLOW_RELATIONS) as FlowRelation[])
    .filter((field) => !selected || selected.has(field))
    .map((field) => {
      const { entity, key } = FLOW_RELATIONS[field];
      return { field, column: `related:${field}`, sql: loaders.rowJson(entity as EntityClass<object>, keyOf(key)) };
    });
}

/**
 * Sets each flow's object fields from the related columns of its row (the rows and the flows in the same order),
 * and hands the objects to the request's loaders, where other fields (a hop's recipient) find them.
 */
export function attachRelated(loaders: Loaders, columns: readonly RelatedColumn[], rows: readonly Row[], flows: readonly DataFlow[]): void {
  for (const { field, column } of columns) {
    const objects = loaders.primeFromJson(FLOW_RELATIONS[field].entity as EntityClass<object>, rows.map((row) => row[column] as Row | null));
    flows.forEach((flow, index) => {
      (flow as Record<FlowRelation, unknown>)[field] = objects[index];
    });
  }
}
