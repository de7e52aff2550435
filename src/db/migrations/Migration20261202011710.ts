import { Migration } from '@mikro-orm/migrations';

export class Migration20261202011710 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "breach_notice_phase" as enum ('INITIAL', 'FOLLOW_UP', 'FINAL');`);
    this.addSql(`create type "processor_change_decision" as enum ('OBJECTED', 'ACCEPTED');`);
    this.addSql(`create type "recipient_notice_kind" as enum ('ADDED', 'COUNTRY_ADDED', 'RETIRED');`);
    this.addSql(`create type "refusal_ground" as enum ('IDENTITY_NOT_VERIFIED', 'MANIFESTLY_UNFOUNDED', 'EXCESSIVE', 'EXEMPTION', 'OTHER');`);
    this.addSql(`create type "identity_verification_method" as enum ('ACCOUNT_LOGIN', 'EMAIL_CONFIRMATION', 'DOCUMENT', 'AGENT_AUTHORISATION');`);
    this.addSql(`create type "identity_verification_outcome" as enum ('VERIFIED', 'NOT_VERIFIED');`);
    this.addSql(`create table "breach_notice" ("id" bigserial primary key, "breach_id" uuid not null, "authority_code" text not null, "phase" "breach_notice_phase" not null, "notified_at" timestamptz not null, "late_reason" text null, "reference" text null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "breach_notice_breach_id_index" on "breach_notice" ("breach_id");`);
    this.addSql(`create unique index "breach_notice_phase_once" on "breach_notice" ("breach_id", "authority_code", "phase") where "phase" <> 'FOLLOW_UP';`);

    this.addSql(`create table "breach_risk_assessment" ("id" bigserial primary key, "breach_id" uuid not null, "risk" "breach_risk" not null, "reason" text null, "assessed_at" timestamptz not null, "actor" text not null);`);
    this.addSql(`create index "breach_risk_assessment_breach_id_index" on "breach_risk_assessment" ("breach_id");`);

    this.addSql(`create table "processor_change_notice" ("id" uuid not null, "processor_key" text not null, "description" text not null, "received_at" timestamptz not null, "objection_deadline" timestamptz not null, "decision" "processor_change_decision" null, "decided_at" timestamptz null, "decision_reason" text null, "created_at" timestamptz not null default now(), "version" int not null default 1, constraint "processor_change_notice_pkey" primary key ("id"));`);
    this.addSql(`create index "processor_change_notice_processor_key_index" on "processor_change_notice" ("processor_key");`);
    this.addSql(`create index "processor_change_notice_objection_deadline_index" on "processor_change_notice" ("objection_deadline");`);

    this.addSql(`create table "recipient_notice" ("id" bigserial primary key, "kind" "recipient_notice_kind" not null, "processor_key" text not null, "name" text not null, "service" text not null, "countries" jsonb not null, "announced_at" timestamptz not null, "effective_from" timestamptz not null);`);
    this.addSql(`create index "recipient_notice_processor_key_index" on "recipient_notice" ("processor_key");`);
    this.addSql(`create index "recipient_notice_announced_at_index" on "recipient_notice" ("announced_at");`);

    this.addSql(`alter table "breach_notice" add constraint "breach_notice_breach_id_foreign" foreign key ("breach_id") references "breach" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "breach_risk_assessment" add constraint "breach_risk_assessment_breach_id_foreign" foreign key ("breach_id") references "breach" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "processor_change_notice" add constraint "processor_change_notice_processor_key_foreign" foreign key ("processor_key") references "processor" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "recipient_notice" add constraint "recipient_notice_processor_key_foreign" foreign key ("processor_key") references "processor" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "breach" add column "approximate_records" int null, add column "affected_residence" jsonb not null default '[]', add column "processor_notified_at" timestamptz null, add column "nature" text null, add column "likely_consequences" text null, add column "measures" text null, add column "contact_point" text null, add column "subjects_due_at" timestamptz null;`);


    this.addSql(`alter table "organization" add column "change_notice" text null;`);

    this.addSql(`alter table "processing_location" add column "effective_from" timestamptz null;`);








    // The register's new clocks for breaches already recorded: people are told within 72 hours of any risk.
    this.addSql(`update "breach" set "subjects_due_at" = "aware_at" + interval '72 hours' where "risk" <> 'NONE';`);
    // Each breach's first assessment, by whoever reported it.
    this.addSql(`insert into "breach_risk_assessment" ("breach_id", "risk", "reason", "assessed_at", "actor")
      select b."id", b."risk", null, b."created_at",
        coalesce((select a."actor" from "audit_entry" a where a."entity_type" = 'Breach' and a."entity_key" = b."id"::text and a."operation" = 'reportBreach' order by a."id" limit 1), 'unknown')
      from "breach" b;`);
    // The public list's entries so far were read from the audit trail: each keeps its audit number as its id, so
    // the feed's ids do not change, and new entries are numbered past every audit number there is.
    this.addSql(`insert into "recipient_notice" ("id", "kind", "processor_key", "name", "service", "countries", "announced_at", "effective_from")
      select a."id",
        (case a."operation" when 'approveProcessor' then 'ADDED' else 'RETIRED' end)::"recipient_notice_kind",
        a."entity_key", coalesce(a."after"->>'name', a."entity_key"), coalesce(a."after"->>'service', ''),
        coalesce(
          (select jsonb_agg(l->>'country' order by l->>'country') from jsonb_array_elements(a."after"->'locations') l),
          jsonb_build_array(coalesce(a."after"->>'headquarters', p."headquarters_code"))),
        a."at",
        case when a."operation" = 'approveProcessor' then coalesce((a."after"->>'effectiveFrom')::timestamptz, a."at") else a."at" end
      from "audit_entry" a join "processor" p on p."key" = a."entity_key"
      where a."entity_type" = 'Processor' and a."operation" in ('approveProcessor', 'retireProcessor');`);
    this.addSql(`select setval(pg_get_serial_sequence('recipient_notice', 'id'), greatest((select coalesce(max("id"), 0) from "audit_entry"), (select coalesce(max("id"), 0) from "recipient_notice")) + 1, false);`);

    this.addSql(`alter table "rights_request" add column "deadline_rule_id" text null, add column "acknowledge_by" timestamptz null, add column "promised_by" timestamptz null, add column "refusal_ground" "refusal_ground" null, add column "identity_method" "identity_verification_method" null, add column "identity_outcome" "identity_verification_outcome" null, add column "identity_checked_at" timestamptz null, add column "frozen_scope" jsonb null;`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "breach_notice" cascade;`);

    this.addSql(`drop table if exists "breach_risk_assessment" cascade;`);

    this.addSql(`drop table if exists "processor_change_notice" cascade;`);

    this.addSql(`drop table if exists "recipient_notice" cascade;`);

    this.addSql(`alter table "breach" drop column "approximate_records", drop column "affected_residence", drop column "processor_notified_at", drop column "nature", drop column "likely_consequences", drop column "measures", drop column "contact_point", drop column "subjects_due_at";`);




    this.addSql(`alter table "organization" drop column "change_notice";`);






    this.addSql(`alter table "processing_location" drop column "effective_from";`);


    this.addSql(`alter table "rights_request" drop column "deadline_rule_id", drop column "acknowledge_by", drop column "promised_by", drop column "refusal_ground", drop column "identity_method", drop column "identity_outcome", drop column "identity_checked_at", drop column "frozen_scope";`);

    this.addSql(`drop type "breach_notice_phase";`);
    this.addSql(`drop type "processor_change_decision";`);
    this.addSql(`drop type "recipient_notice_kind";`);
    this.addSql(`drop type "refusal_ground";`);
    this.addSql(`drop type "identity_verification_method";`);
    this.addSql(`drop type "identity_verification_outcome";`);
  }

}
