import type { DataFlow } from '../data-flow/data-flow.types';
import type { BreachImpact } from './breach.types';

/** The age below which a person is a child for the breach assessment (UN CRC Art. 1; GDPR recital 38). */
export const ADULT_AGE = 18;

export interface ImpactFacts {
  /** The processors and activities the breach report names. */
  processors: readonly string[];
  activities: readonly string[];
  /** The flows of the map through any of those processors, or through processors of those activities. */
  flows: readonly DataFlow[];
  /** The categories each activity declares (an activity without a processor still holds its data). */
  categoriesOf: (activity: string) => readonly string[];
  subjectTypesOf: (activity: string) => readonly string[];
  /** Whether a category (by key) is a special category of data (Art. 9). */
  isSpecialCategory: (category: string) => boolean;
  /** The youngest age the platform admits. */
  minimumAge: number;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/**
 * What a breach touches: the flows through an involved processor, and the flows of an involved activity
 * (with the activity's own categories, which it holds even when no processor receives them).
 */
export function impactOf(facts: ImpactFacts): BreachImpact {
  const processors = new Set(facts.processors);
  const activities = new Set(facts.activities);
  const flows = facts.flows.filter((flow) => processors.has(flow.processorKey) || activities.has(flow.activityKey));
  const activityKeys = sorted([...activities, ...flows.map((flow) => flow.activityKey)]);
  const categoryKeys = sorted([...flows.map((flow) => flow.categoryKey), ...[...activities].flatMap(facts.categoriesOf)]);
  const subjectTypeKeys = sorted(activityKeys.flatMap(facts.subjectTypesOf));
  return {
    processorKeys: sorted([...processors, ...flows.map((flow) => flow.processorKey)]),
    activityKeys,
    categoryKeys,
    subjectTypeKeys,
    countryCodes: sorted(flows.map((flow) => flow.destinationCode)),
    specialCategoryData: categoryKeys.some(facts.isSpecialCategory),
    childrenData: subjectTypeKeys.length > 0 && facts.minimumAge < ADULT_AGE,
  };
}
