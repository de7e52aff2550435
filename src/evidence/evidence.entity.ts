import { Entity, type Opt, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import type { EvidenceRecord } from './evidence.rules';
import type { VendorEntry } from './vendor-catalogue';

/**
 * The latest evidence of one repository: what its code was seen to call, as the CI step extracted it (names and
 * positions, never code). Each reconciliation replaces the repository's row whole.
 */
@Entity({ tableName: 'evidence' })
export class Evidence {
  [PrimaryKeyProp]?: 'repository';

  /** The repository, as the CI step names it (such as `pythonmaster/web`). */
  @PrimaryKey({ type: 'text' })
  repository!: string;

  @Property({ type: 'text', nullable: true })
  commit?: string | null;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;

  /** Who sent it: the token's subject. */
  @Property({ type: 'text' })
  submittedBy!: string;

  /** How many items the request carried, vendors or not. */
  @Property({ type: 'integer' })
  itemsReceived!: number;

  /** The items that point to a vendor, with their provenance. */
  @Property({ type: 'json' })
  items: EvidenceRecord[] = [];

  /** The repository's own catalogue entries (its datamap.vendors.yaml), which its items were read with. */
  @Property({ type: 'json' })
  vendors: VendorEntry[] = [];
}

/** A catalogue entry registered through the API: it adds to, or replaces, the bundled entry of its key. */
@Entity({ tableName: 'vendor' })
export class RegisteredVendor {
  [PrimaryKeyProp]?: 'key';

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  service?: string | null;

  @Property({ type: 'text', nullable: true })
  processor?: string | null;

  @Property({ type: 'json' })
  packages: VendorEntry['packages'] = {};

  @Property({ type: 'json' })
  hosts: string[] = [];

  @Property({ type: 'json' })
  aliases: string[] = [];

  @Property({ type: 'text', nullable: true })
  source?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
