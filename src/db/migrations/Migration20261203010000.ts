import { Migration } from '@mikro-orm/migrations';

/**
 * Every recipient, every hop (issue 18): a recipient's role (processor, independent or joint controller), the
 * processor that engaged a sub-processor, the Art. 26 arrangement, the CCPA sale-or-share mark, and the policy's
 * "we do not sell" statement on the organisation.
 */
export class Migration20261203010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "recipient_role" as enum ('PROCESSOR', 'INDEPENDENT_CONTROLLER', 'JOINT_CONTROLLER');`);
    this.addSql(`alter table "processor" add column "role" "recipient_role" not null default 'PROCESSOR', add column "engaged_by_key" text null, add column "joint_arrangement" text null, add column "sale_or_share" boolean null;`);
    this.addSql(`alter table "processor" add constraint "processor_engaged_by_key_foreign" foreign key ("engaged_by_key") references "processor" ("key") on update cascade on delete restrict;`);
    this.addSql(`create index "processor_engaged_by_key_index" on "processor" ("engaged_by_key");`);
    this.addSql(`alter table "organization" add column "no_sale_statement" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "organization" drop column "no_sale_statement";`);
    this.addSql(`alter table "processor" drop constraint "processor_engaged_by_key_foreign";`);
    this.addSql(`drop index "processor_engaged_by_key_index";`);
    this.addSql(`alter table "processor" drop column "role", drop column "engaged_by_key", drop column "joint_arrangement", drop column "sale_or_share";`);
    this.addSql(`drop type "recipient_role";`);
  }
}
