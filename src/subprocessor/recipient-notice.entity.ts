import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Processor } from '../processor/processor.entity';

/**
 * What an entry of the public list announces. Each way a recipient starts receiving data, or data starts going
 * to a new country, is one kind: a new recipient, a new country of a current one. A new member of a recipient's
 * chain of sub-processors is meant to be one more kind, announced through the same `announceRecipientChange`.
 */
export enum RecipientNoticeKind {
  ADDED = 'ADDED',
  COUNTRY_ADDED = 'COUNTRY_ADDED',
  RETIRED = 'RETIRED',
}

/**
 * One entry of the public list of recipients (/subprocessors, .json, .atom), as it was announced: the list is the
 * company's notice of changes, so an entry keeps the name, service and countries it announced, and never changes.
 * Its id is the feed entry's id. (Entries announced before this table existed keep the number of the audit entry
 * they were read from.)
 */
@Entity()
export class RecipientNotice {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Enum({ items: () => RecipientNoticeKind, nativeEnumName: 'recipient_notice_kind' })
  kind!: RecipientNoticeKind;

  @ManyToOne(() => Processor, { deleteRule: 'cascade', index: true })
  processor!: Processor;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  service!: string;

  /** The countries the entry concerns: all of a new recipient's, the new ones of a current recipient. */
  @Property({ type: 'json' })
  countries!: string[];

  /**
   * The recipient that engaged this one as its sub-processor, as it was when announced (key and name); null when
   * the organisation engaged it. The entry names it: the sub-processor serves its engager (Art. 28(2),(4)).
   */
  @Property({ type: 'text', nullable: true })
  engagerKey?: string | null;

  @Property({ type: 'text', nullable: true })
  engagerName?: string | null;

  @Property({ type: 'timestamptz', index: true })
  announcedAt!: Date;

  /** When data starts (or, for RETIRED, stops) flowing: the announcement plus the notice period. */
  @Property({ type: 'timestamptz' })
  effectiveFrom!: Date;
}

/** When a change is announced, and how long the notice runs before data flows (SUBPROCESSOR_NOTICE_DAYS). */
export interface RecipientChangeNotice {
  now: Date;
  noticeDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a change announced now takes effect. */
export const effectiveFromOf = ({ now, noticeDays }: RecipientChangeNotice) => new Date(now.getTime() + noticeDays * DAY_MS);

/**
 * Announces a change on the public list, in the caller's transaction: the one way every kind of change reaches
 * the page, the JSON and the feed. Returns when it takes effect.
 */
export function announceRecipientChange(
  tx: EntityManager,
  change: {
    kind: RecipientNoticeKind;
    processor: Processor;
    countries: readonly string[];
    notice: RecipientChangeNotice;
    /** The recipient that engaged it, when it is a sub-processor. */
    engager?: { key: string; name: string } | null;
  },
): Date {
  const effectiveFrom = change.kind === RecipientNoticeKind.RETIRED ? change.notice.now : effectiveFromOf(change.notice);
  tx.create(RecipientNotice, {
    kind: change.kind,
    processor: change.processor,
    name: change.processor.name,
    service: change.processor.service,
    countries: [...new Set(change.countries)].sort(),
    engagerKey: change.engager?.key ?? null,
    engagerName: change.engager?.name ?? null,
    announcedAt: change.notice.now,
    effectiveFrom,
  });
  return effectiveFrom;
}
