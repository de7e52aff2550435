import { Collection, Entity, ManyToOne, OneToMany } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'Why data is processed. Hierarchical: `service-delivery`, then `service-delivery.payments`.' })
export class Purpose extends RegistryEntity {
  @ManyToOne(() => Purpose, { nullable: true, deleteRule: 'restrict', index: true })
  parent?: Purpose | null;

  @OneToMany(() => Purpose, (child) => child.parent, { orderBy: { key: 'asc' } })
  children = new Collection<Purpose>(this);
}
