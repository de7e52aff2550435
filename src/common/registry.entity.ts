import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';

/** Columns that every registry entity shares: a stable key, a name and a description. */
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

  @Field(() => DateTimeResolver, { description: 'When this entry was first recorded.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => DateTimeResolver, { description: 'When this entry last changed.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
