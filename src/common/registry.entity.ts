import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

@ObjectType({ description: 'Where a recorded fact comes from: the privacy policy, or an assumption the policy does not state.' })
export class Provenance {
  @Field(() => String, { nullable: true, description: 'The section of the privacy policy that states it, such as "Retention Periods".' })
  source!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the entry assumes beyond the policy, and why; null when everything in it is stated by `source`.',
  })
  assumed!: string | null;
}

/** Columns that every registry entity shares: a stable key, a name and a description, and their provenance. */
@Entity({ abstract: true })
@ObjectType()
export abstract class RegistryEntity {
  [PrimaryKeyProp]?: 'key';

  @Field(() => ID, { description: 'Stable, lowercase slug that identifies this entry and that inputs refer to.' })
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Field({ description: 'Human-readable name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What this entry is, in plain words.' })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** The policy section that states this entry (manifest `source:`); read through `provenance`. */
  @Property({ type: 'text', nullable: true })
  source?: string | null;

  /** What this entry assumes beyond the policy, and why (manifest `assumed:`); read through `provenance`. */
  @Property({ type: 'text', nullable: true })
  assumed?: string | null;

  @Field(() => Provenance, { description: 'Whether the privacy policy states this entry, or what it assumes.' })
  get provenance(): Provenance {
    return provenanceOf(this);
  }

  @Field(() => DateTimeResolver, { description: 'When this entry was first recorded.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => DateTimeResolver, { description: 'When this entry last changed.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** The provenance of an entry, entity or plain row alike. */
export function provenanceOf(row: { source?: string | null; assumed?: string | null }): Provenance {
  return { source: row.source ?? null, assumed: row.assumed ?? null };
}
