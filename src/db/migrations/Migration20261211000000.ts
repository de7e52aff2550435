import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 20, point 10, for chains: an entry of the public list names the recipient that engaged a sub-processor,
 * as it was when announced.
 */
export class Migration20261211000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "recipient_notice" add column "engager_key" text null, add column "engager_name" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "recipient_notice" drop column "engager_key", drop column "engager_name";`);
  }
}
