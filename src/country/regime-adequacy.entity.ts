import { Entity, Enum, Index, ManyToOne, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { AdequacyScope, Country } from './country.entity';
import { Regime } from './regime';

/**
 * A country on the adequacy list of the UK or Swiss regime (the EU's is on `Country` itself), from
 * seeds/reference/adequacy-regimes.json. A country without a row for a regime has no adequacy under it. Read by
 * `Country.adequacyUnder` and by the transfer rules through `CountryStanding.regimes`.
 */
@Entity()
@Index({ properties: ['country'] })
export class RegimeAdequacy {
  [PrimaryKeyProp]?: ['regime', 'country'];

  @Enum({ items: () => Regime, nativeEnumName: 'regime', primary: true })
  regime!: Regime;

  @ManyToOne(() => Country, { primary: true, deleteRule: 'cascade' })
  country!: Country;

  @Enum({ items: () => AdequacyScope, nativeEnumName: 'adequacy_scope' })
  scope!: AdequacyScope;

  /** Who a partial finding covers, such as "Only persons on the DPF List participating in the UK Extension". */
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  /** The instrument that lists the country, such as "Data Protection (Adequacy) (United States of America) Regulations 2023". */
  @Property({ type: 'text' })
  instrument!: string;

  /** YYYY-MM-DD: from when the finding applies (the UK's US regulations: 2023-10-12; Switzerland's US entry: 2024-09-15). */
  @Property({ type: 'text', nullable: true })
  since?: string | null;

  /** False when the reference could not confirm the entry; `assumed` then says what is taken on trust. */
  @Property({ type: 'boolean' })
  verified!: boolean;

  @Property({ type: 'text', nullable: true })
  assumed?: string | null;
}
