import { Migration } from '@mikro-orm/migrations';

export class Migration20261129201412 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "age_gate_count" ("day" date not null, "country" text not null, "outcome" text check ("outcome" in ('ALLOWED', 'BLOCKED', 'PARENTAL_CONSENT_REQUIRED')) not null, "count" bigint not null, constraint "age_gate_count_pkey" primary key ("day", "country", "outcome"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "age_gate_count" cascade;`);
  }

}
