import { Collection, Entity, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'A kind of personal data. Keys show the hierarchy: `contact`, then `contact.email`.' })
export class DataCategory extends RegistryEntity {
  @ManyToOne(() => DataCategory, { nullable: true, deleteRule: 'restrict', index: true })
  parent?: DataCategory | null;

  @OneToMany(() => DataCategory, (child) => child.parent, { orderBy: { key: 'asc' } })
  children = new Collection<DataCategory>(this);

  @Field(() => [String], { description: 'Examples of data in this category, as the privacy policy lists them.' })
  @Property({ type: 'json' })
  examples: string[] = [];

  @Field({ description: 'True for a special category of personal data under GDPR Art. 9.' })
  @Property({ type: 'boolean', default: false })
  specialCategory: boolean = false;
}
