import { Entity, Enum, type Opt, Property } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

/** The events that start or end a retention period. */
export enum RetentionEvent {
  COLLECTION = 'COLLECTION',
  ACCOUNT_CLOSURE = 'ACCOUNT_CLOSURE',
  LAST_ACTIVITY = 'LAST_ACTIVITY',
  TRANSACTION = 'TRANSACTION',
  UNSUBSCRIBE = 'UNSUBSCRIBE',
  CASE_CLOSURE = 'CASE_CLOSURE',
  SESSION_END = 'SESSION_END',
}

registerEnumType(RetentionEvent, {
  name: 'RetentionEvent',
  description: 'An event that starts a retention period, or ends retention outright.',
  valuesConfig: {
    COLLECTION: { description: 'The data is collected.' },
    ACCOUNT_CLOSURE: { description: 'The person closes their account.' },
    LAST_ACTIVITY: { description: 'The person was last active.' },
    TRANSACTION: { description: 'The payment or transaction takes place.' },
    UNSUBSCRIBE: { description: 'The person unsubscribes or withdraws consent.' },
    CASE_CLOSURE: { description: 'A support case is closed.' },
    SESSION_END: { description: 'The browser session ends.' },
  },
});

@Entity()
@ObjectType({ implements: Node, description: 'How long data is kept, from which event, and why.' })
export class RetentionRule extends RegistryEntity {
  @Field(() => String, {
    nullable: true,
    description: 'ISO-8601 period counted from `startsAt`, such as "P3Y"; null when data is kept only until `until`.',
  })
  @Property({ type: 'text', nullable: true })
  duration?: string | null;

  @Field(() => RetentionEvent, { description: 'The event that starts the period.' })
  @Enum({ items: () => RetentionEvent, nativeEnumName: 'retention_event' })
  startsAt!: RetentionEvent;

  @Field(() => RetentionEvent, { nullable: true, description: 'An event that ends retention before the period runs out.' })
  @Enum({ items: () => RetentionEvent, nativeEnumName: 'retention_event', nullable: true })
  until?: RetentionEvent | null;

  @Field({ description: 'Why data is kept this long: the business or legal reason.' })
  @Property({ type: 'text' })
  reason!: string;

  @Field(() => Boolean, {
    description:
      'True when the data is kept to establish, exercise or defend legal claims: as far as that needs it, an erasure ' +
      'request does not reach it for the period (GDPR Art. 17(3)(e)).',
  })
  @Property({ type: 'boolean', default: false })
  legalClaims: Opt<boolean> = false;
}
