import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Country } from '../country/country.entity';
import { LocationSafeguard } from './location-safeguard.entity';
import { Processor } from './processor.entity';
import { SafeguardColumns } from './safeguard-columns';
import { TransferMechanism } from './transfer-mechanism';
import { Node } from '../common/node';

@Entity()
@Unique({ properties: ['processor', 'country'] })
@ObjectType({ implements: Node, description: 'A country where a processor processes data, and what makes that transfer lawful.' })
export class ProcessingLocation extends SafeguardColumns {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Processor, { deleteRule: 'cascade' })
  processor!: Processor;

  @ManyToOne(() => Country, { deleteRule: 'restrict', index: true })
  country!: Country;

  // mechanism, reference and the DPF certification are mapped by SafeguardColumns; these are their GraphQL fields.
  @Field(() => TransferMechanism, { nullable: true, description: 'Its EU_GDPR safeguard\'s mechanism: null inside the EEA, where no transfer mechanism is needed.' })
  declare mechanism?: TransferMechanism | null;

  @Field(() => String, {
    nullable: true,
    description: 'Its EU_GDPR safeguard\'s reference: the instrument relied on, such as "EU-US Data Privacy Framework" or "SCC 2021/914 module 2".',
  })
  declare reference?: string | null;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description:
      'For a country added to a current recipient: when data starts to flow there, after the notice on the public list. ' +
      'Null when it took effect with the recipient.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  effectiveFrom?: Date | null;

  @Field(() => DpfCertification, {
    nullable: true,
    description: 'For ADEQUACY_DECISION in the US: the recipient\'s EU-US Data Privacy Framework certification; null otherwise.',
  })
  get dpf(): DpfCertification | null {
    return dpfOf(this);
  }

  /** What it rests on under each regime (the EU_GDPR entry repeats the columns above); the GraphQL field `safeguards`. */
  @OneToMany(() => LocationSafeguard, (safeguard) => safeguard.location, { orderBy: { regime: 'asc' }, orphanRemoval: true })
  safeguards = new Collection<LocationSafeguard>(this);
}

@ObjectType({ description: "A recipient's certification under the EU-US Data Privacy Framework (Decision (EU) 2023/1795)." })
export class DpfCertification {
  @Field(() => String, {
    nullable: true,
    description: "The recipient's entry on the DPF List: https://www.dataprivacyframework.gov/participant/<id>, or that id.",
  })
  certification!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: when the certification must next be checked (it lapses unless renewed yearly).' })
  reviewDue!: string | null;
}

/** The DPF certification of a stored location (entity or plain row), or null when it records none. */
export function dpfOf(row: { dpfCertification?: string | null; dpfReviewDue?: string | null }): DpfCertification | null {
  if (!row.dpfCertification && !row.dpfReviewDue) return null;
  return { certification: row.dpfCertification ?? null, reviewDue: row.dpfReviewDue ?? null };
}
