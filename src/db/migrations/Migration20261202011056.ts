import { Migration } from '@mikro-orm/migrations';

/**
 * Evidence from code (issue 22): the latest evidence of each repository, and the vendor catalogue entries
 * registered through the API. The link-table indexes that earlier migrations added by hand stay (the schema
 * diff would drop them: MikroORM does not know of them).
 */
export class Migration20261202011056 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "evidence" ("repository" text not null, "commit" text null, "received_at" timestamptz not null, "submitted_by" text not null, "items_received" int not null, "items" jsonb not null, "vendors" jsonb not null, constraint "evidence_pkey" primary key ("repository"));`);

    this.addSql(`create table "vendor" ("key" text not null, "name" text not null, "service" text null, "processor" text null, "packages" jsonb not null, "hosts" jsonb not null, "aliases" jsonb not null, "source" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "vendor_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "evidence" cascade;`);
    this.addSql(`drop table if exists "vendor" cascade;`);
  }
}
