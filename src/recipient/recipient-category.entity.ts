import { Entity, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';

/**
 * A category of recipients other than the processors the registry lists (GDPR Art. 30(1)(d)): public
 * authorities where the law requires disclosure, acquirers in a business transfer, advertising partners.
 */
@Entity()
@ObjectType({ description: 'A category of recipients besides the registered processors (GDPR Art. 30(1)(d)).' })
export class RecipientCategory extends RegistryEntity {
  @Field({ description: 'When data is disclosed to them, such as "where the law requires disclosure".' })
  @Property({ type: 'text' })
  condition!: string;

  @Field(() => [ID], { description: 'Keys of the activities whose data they may receive; empty: every activity.' })
  @Property({ type: 'text[]', default: '{}' })
  activities: string[] = [];
}
