import { Field, ObjectType } from 'type-graphql';

/** What a breach touches. Keys only; the resolver loads the entities through the request's loaders. */
@ObjectType({
  description:
    'The blast radius of a breach: what flows through the processors and activities involved, worked out from the map.',
})
export class BreachImpact {
  processorKeys!: string[];
  activityKeys!: string[];
  categoryKeys!: string[];
  subjectTypeKeys!: string[];
  countryCodes!: string[];

  @Field({ description: 'True when a special category of data (Art. 9) is among the categories.' })
  specialCategoryData!: boolean;

  @Field({
    description:
      "True when children's data may be among it: some data-subject type is affected, and the age policy admits users " +
      'younger than 18 (the map does not yet tell minors from adults).',
  })
  childrenData!: boolean;
}
