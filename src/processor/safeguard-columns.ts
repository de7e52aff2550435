import { Entity, Enum, Property } from '@mikro-orm/core';
import { TransferMechanism } from './transfer-mechanism';

/**
 * The columns of a safeguard, mapped once for the two tables that keep one: `processing_location` (its EU_GDPR
 * safeguard, which the flow statement reads) and `location_safeguard` (one per regime). Only the mapping is shared:
 * each entity declares its own GraphQL fields over these properties, since their descriptions differ.
 */
@Entity({ abstract: true })
export abstract class SafeguardColumns {
  @Enum({ items: () => TransferMechanism, nativeEnumName: 'transfer_mechanism', nullable: true })
  mechanism?: TransferMechanism | null;

  /** The instrument relied on. */
  @Property({ type: 'text', nullable: true })
  reference?: string | null;

  /** The recipient's DPF List entry (URL or organisation id); read through the GraphQL field `dpf`. */
  @Property({ type: 'text', nullable: true })
  dpfCertification?: string | null;

  /** YYYY-MM-DD: when the DPF certification must next be checked. */
  @Property({ type: 'text', nullable: true })
  dpfReviewDue?: string | null;
}
