import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Consent } from '../consent/consent.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'A category of cookies: essential, performance, functional or marketing.' })
export class CookieCategory extends RegistryEntity {
  @Field(() => String, { nullable: true, description: 'ISO-8601 lifetime, such as "P2Y"; null for session cookies.' })
  @Property({ type: 'text', nullable: true })
  duration?: string | null;

  /** Null for essential cookies, which need no consent (ePrivacy Directive Art. 5(3)). */
  @ManyToOne(() => Consent, { nullable: true, deleteRule: 'restrict', index: true })
  consent?: Consent | null;
}
