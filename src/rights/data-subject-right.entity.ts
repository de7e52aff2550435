import { Entity, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Node } from '../common/node';

@Entity()
@ObjectType({ implements: Node, description: 'A right a person may exercise over their data, and how fast the company answers.' })
export class DataSubjectRight extends RegistryEntity {
  @Field({ description: 'The GDPR article that grants the right, such as "Art. 15".' })
  @Property({ type: 'text' })
  article!: string;

  @Field(() => Int, { description: 'Days within which the company responds to a request.' })
  @Property({ type: 'integer' })
  responseDays!: number;
}
