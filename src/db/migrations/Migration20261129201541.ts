import { Migration } from '@mikro-orm/migrations';

export class Migration20261129201541 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "processor" add column "status_reason" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "processor" drop column "status_reason";`);
  }

}
