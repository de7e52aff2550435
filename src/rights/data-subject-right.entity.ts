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

  @Field(() => Int, {
    nullable: true,
    description:
      "The policy's promise: days within which the company responds (30). Null where no response is owed, such as a " +
      'complaint, which goes to a supervisory authority.',
  })
  @Property({ type: 'integer', nullable: true })
  responseDays?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'The statutory deadline, an ISO-8601 period from receipt: "P1M", one calendar month (Art. 12(3)). Null where none applies.',
  })
  @Property({ type: 'text', nullable: true })
  deadline?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'How far the deadline may be extended, with notice to the person: "P2M" (Art. 12(3)). Null where it may not.',
  })
  @Property({ type: 'text', nullable: true })
  extendableBy?: string | null;
}
