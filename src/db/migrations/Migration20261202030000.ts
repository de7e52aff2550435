import { Migration } from '@mikro-orm/migrations';

/**
 * TRUNCATE fires no row trigger, so it emptied the append-only audit trail that UPDATE and DELETE cannot touch:
 * a statement-level trigger refuses it too, with the same message, whoever sends it (the table's owner included).
 */
export class Migration20261202030000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create trigger "audit_entry_no_truncate" before truncate on "audit_entry" for each statement execute function "audit_entry_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "audit_entry_no_truncate" on "audit_entry";`);
  }
}
