import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023352 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "setting" ("key" text not null, "value" text not null, constraint "setting_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "setting" cascade;`);
  }

}
