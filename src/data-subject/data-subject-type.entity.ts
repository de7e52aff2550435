import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'A kind of person whose data is processed: a student, a newsletter subscriber, a visitor.' })
export class DataSubjectType extends RegistryEntity {
  @Field(() => Boolean, {
    nullable: true,
    description:
      'True when people of this type have a contract with the controller, false when they have none (an activity on ' +
      'CONTRACT cannot rest on Art. 6(1)(b) for them: EDPB Guidelines 2/2019); null when not recorded.',
  })
  @Property({ type: 'boolean', nullable: true })
  contract?: boolean | null;
}
