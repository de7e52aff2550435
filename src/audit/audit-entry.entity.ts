import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Node } from '../common/node';

/** One change, as the audit trail keeps it. Rows are only ever inserted. */
@Entity()
@Index({ properties: ['entityType', 'entityKey'] })
@Index({ properties: ['actor'] })
@ObjectType({ implements: Node, description: 'A change to the data map: who made it, what it was, and the entity before and after.' })
export class AuditEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Field(() => DateTimeResolver, { description: 'When the change was committed.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()', index: true })
  at: Opt<Date> = new Date();

  @Field({ description: "The token's subject (`sub`): who made the change." })
  @Property({ type: 'text' })
  actor!: string;

  @Field(() => [String], { description: 'The roles the actor held.' })
  @Property({ type: 'json' })
  roles: Opt<string[]> = [];

  @Field({ description: 'The mutation, such as `approveProcessor`.' })
  @Property({ type: 'text' })
  operation!: string;

  @Field({ description: 'The kind of entity changed, such as `Processor`.' })
  @Property({ type: 'text' })
  entityType!: string;

  @Field({ description: 'The key of the entity changed.' })
  @Property({ type: 'text' })
  entityKey!: string;

  @Field(() => JSONResolver, { nullable: true, description: 'The entity before the change; null when it was created.' })
  @Property({ type: 'json', nullable: true })
  before?: unknown;

  @Field(() => JSONResolver, { nullable: true, description: 'The entity after the change; null when it was removed.' })
  @Property({ type: 'json', nullable: true })
  after?: unknown;

  @Field(() => String, { nullable: true, description: 'The request that made the change (`x-request-id`).' })
  @Property({ type: 'text', nullable: true })
  requestId?: string | null;
}
