import { Collection, Entity, ManyToMany, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'Where personal data enters: a form, a checkout, or a visit to the site.' })
export class CollectionPoint extends RegistryEntity {
  @Field({ description: 'True when it applies to everyone who uses the site, such as `site-visit`.' })
  @Property({ type: 'boolean', default: false })
  automatic: boolean = false;

  @ManyToMany(() => DataCategory, undefined, { owner: true, orderBy: { key: 'asc' } })
  categories = new Collection<DataCategory>(this);
}
