import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Country } from '../country/country.entity';
import { Regime } from '../country/regime';
import { Processor } from './processor.entity';
import { TiaOutcome } from './tia-outcome';

/**
 * An assessment of whether the law and practice of a destination let an Art. 46 safeguard work there, and with
 * which supplementary measures (C-311/18 Schrems II; SCC Clause 14; EDPB Recommendations 01/2020). Assessments
 * are kept, never changed: the latest one of a processor's location under a regime is the one that counts.
 */
@Entity()
@Index({ properties: ['processor', 'country', 'regime'] })
@ObjectType({ description: 'A transfer impact assessment of one processor location under one regime.' })
export class TransferImpactAssessment {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Processor, { deleteRule: 'cascade' })
  processor!: Processor;

  @ManyToOne(() => Country, { deleteRule: 'restrict', index: true })
  country!: Country;

  @Field(() => Regime, { description: 'The regime whose transfer rules the assessment applies (UK: a transfer risk assessment).' })
  @Enum({ items: () => Regime, nativeEnumName: 'regime' })
  regime!: Regime;

  @Field({ description: 'Where the assessment is kept, such as a document id or URL.' })
  @Property({ type: 'text' })
  reference!: string;

  @Field(() => DateResolver, { description: 'When it was made. TIA_REVIEW_MONTHS later, or after a change of the safeguard, it is out of date.' })
  @Property({ type: 'text' })
  assessedAt!: string;

  @Field(() => TiaOutcome)
  @Enum({ items: () => TiaOutcome, nativeEnumName: 'tia_outcome' })
  outcome!: TiaOutcome;

  @Field(() => [String], { description: 'The supplementary measures it relies on (EDPB Recommendations 01/2020, Annex 2).' })
  @Property({ type: 'text[]' })
  supplementaryMeasures: string[] = [];

  @Field(() => DateTimeResolver, { description: 'When it was recorded.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}
