import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Country } from '../country/country.entity';
import { Processor } from './processor.entity';
import { TransferMechanism } from './transfer-mechanism';
import { Node } from '../common/node';

@Entity()
@Unique({ properties: ['processor', 'country'] })
@ObjectType({ implements: Node, description: 'A country where a processor processes data, and what makes that transfer lawful.' })
export class ProcessingLocation {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Processor, { deleteRule: 'cascade' })
  processor!: Processor;

  @ManyToOne(() => Country, { deleteRule: 'restrict', index: true })
  country!: Country;

  @Field(() => TransferMechanism, { nullable: true, description: 'Null inside the EEA, where no transfer mechanism is needed.' })
  @Enum({ items: () => TransferMechanism, nativeEnumName: 'transfer_mechanism', nullable: true })
  mechanism?: TransferMechanism | null;

  @Field(() => String, {
    nullable: true,
    description: 'The instrument relied on, such as "EU-US Data Privacy Framework" or "SCC 2021/914 module 2".',
  })
  @Property({ type: 'text', nullable: true })
  reference?: string | null;
}
