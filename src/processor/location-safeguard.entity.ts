import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Regime } from '../country/regime';
import { DpfCertification, dpfOf, ProcessingLocation } from './processing-location.entity';
import { SafeguardColumns } from './safeguard-columns';
import { TransferMechanism } from './transfer-mechanism';

/**
 * What a processing location rests on under one regime: `judgeTransfer` judges a transfer of a person protected
 * by that regime with this entry. The EU_GDPR entry is also kept on the location's own columns (mechanism,
 * reference, dpf), which the flow statement still reads; `syncLocations` writes both.
 */
@Entity()
@Unique({ properties: ['location', 'regime'] })
@ObjectType('Safeguard', { description: 'What a location rests on under one regime: its mechanism, reference and DPF certification.' })
export class LocationSafeguard extends SafeguardColumns {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => ProcessingLocation, { deleteRule: 'cascade' })
  location!: ProcessingLocation;

  @Field(() => Regime)
  @Enum({ items: () => Regime, nativeEnumName: 'regime' })
  regime!: Regime;

  // mechanism, reference and the DPF certification are mapped by SafeguardColumns; these are their GraphQL fields.
  @Field(() => TransferMechanism, { nullable: true, description: 'Null where the regime needs none (inside its territory).' })
  declare mechanism?: TransferMechanism | null;

  @Field(() => String, {
    nullable: true,
    description: 'The instrument relied on, such as "SCC 2021/914 module 2", "UK Addendum to SCC 2021/914 module 2" or "SCC 2021/914 module 2 with the Swiss adaptations (FADP)".',
  })
  declare reference?: string | null;

  /**
   * When the mechanism, reference or certification last changed after the safeguard was first recorded: a
   * transfer impact assessment older than this is stale. Null while it is as first recorded (an assessment made
   * before a vendor is registered assesses the safeguard it is registered with).
   */
  @Property({ type: 'timestamptz', nullable: true })
  changedAt?: Date | null;

  @Field(() => DpfCertification, {
    nullable: true,
    description: "For ADEQUACY_DECISION in the US: the recipient's DPF certification under this regime's framework; null otherwise.",
  })
  get dpf(): DpfCertification | null {
    return dpfOf(this);
  }
}
