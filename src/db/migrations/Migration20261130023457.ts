import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023457 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "breach_risk" as enum ('NONE', 'RISK', 'HIGH_RISK');`);
    this.addSql(`create type "rights_request_status" as enum ('RECEIVED', 'VERIFYING', 'IN_PROGRESS', 'COMPLETED', 'REFUSED');`);
    this.addSql(`create table "breach" ("id" uuid not null, "aware_at" timestamptz not null, "occurred_at" timestamptz null, "description" text not null, "approximate_subjects" int null, "risk" "breach_risk" not null, "authority_due_at" timestamptz not null, "authority_notified_at" timestamptz null, "authority_late_reason" text null, "subjects_notified_at" timestamptz null, "created_at" timestamptz not null default now(), "version" int not null default 1, constraint "breach_pkey" primary key ("id"));`);
    this.addSql(`create index "breach_authority_notified_at_authority_due_at_index" on "breach" ("authority_notified_at", "authority_due_at");`);

    this.addSql(`create table "breach_processors" ("breach_id" uuid not null, "processor_key" text not null, constraint "breach_processors_pkey" primary key ("breach_id", "processor_key"));`);

    this.addSql(`create table "breach_activities" ("breach_id" uuid not null, "processing_activity_key" text not null, constraint "breach_activities_pkey" primary key ("breach_id", "processing_activity_key"));`);

    this.addSql(`create table "rights_request" ("id" uuid not null, "right_key" text not null, "status" "rights_request_status" not null default 'RECEIVED', "received_at" timestamptz not null, "due_at" timestamptz not null, "extended" boolean not null default false, "extension_reason" text null, "jurisdiction" text not null, "subject_reference" text null, "collection_points" jsonb not null, "consents" jsonb not null, "status_reason" text null, "closed_at" timestamptz null, "purged_at" timestamptz null, "created_at" timestamptz not null default now(), "version" int not null default 1, constraint "rights_request_pkey" primary key ("id"));`);
    this.addSql(`create index "rights_request_status_due_at_index" on "rights_request" ("status", "due_at");`);

    this.addSql(`alter table "breach_processors" add constraint "breach_processors_breach_id_foreign" foreign key ("breach_id") references "breach" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "breach_processors" add constraint "breach_processors_processor_key_foreign" foreign key ("processor_key") references "processor" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "breach_activities" add constraint "breach_activities_breach_id_foreign" foreign key ("breach_id") references "breach" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "breach_activities" add constraint "breach_activities_processing_activity_key_foreign" foreign key ("processing_activity_key") references "processing_activity" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "rights_request" add constraint "rights_request_right_key_foreign" foreign key ("right_key") references "data_subject_right" ("key") on update cascade on delete restrict;`);

    this.addSql(`alter table "processor" add column "effective_from" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "breach_processors" drop constraint "breach_processors_breach_id_foreign";`);

    this.addSql(`alter table "breach_activities" drop constraint "breach_activities_breach_id_foreign";`);

    this.addSql(`drop table if exists "breach" cascade;`);

    this.addSql(`drop table if exists "breach_processors" cascade;`);

    this.addSql(`drop table if exists "breach_activities" cascade;`);

    this.addSql(`drop table if exists "rights_request" cascade;`);

    this.addSql(`alter table "processor" drop column "effective_from";`);

    this.addSql(`drop type "breach_risk";`);
    this.addSql(`drop type "rights_request_status";`);
  }

}
