import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023548 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "recipient_category" ("key" text not null, "name" text not null, "description" text null, "source" text null, "assumed" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "condition" text not null, "activities" text[] not null default '{}', constraint "recipient_category_pkey" primary key ("key"));`);

    this.addSql(`alter table "collection_point" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "consent" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "cookie_category" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "country" add column "member_state_code" text null;`);
    // EEA territories with codes of their own (TFEU Art. 349, 355(1) and 355(4)): in the EEA, with their member state.
    this.addSql(`update "country" set "in_eea" = true, "member_state_code" = 'FR' where "code" in ('RE', 'GP', 'MQ', 'GF', 'YT', 'MF');`);
    this.addSql(`update "country" set "in_eea" = true, "member_state_code" = 'FI' where "code" = 'AX';`);
    // Each seeded age gets its own source, where the first seed gave every entry the GDPR's (left alone if edited since).
    const seeded = 'GDPR Art. 8 and national law, per the Commission staff working document (2020)';
    for (const [jurisdiction, source] of [
      ['US', 'COPPA, 15 U.S.C. §6501'],
      ['GB', 'DPA 2018 s.9'],
      ['CA-QC', 'Law 25, Act respecting the protection of personal information in the private sector s.4.1'],
      ['CN', 'PIPL Art. 31'],
      ['IN', 'DPDP Act 2023 s.9'],
      ['KR', 'PIPA Art. 22-2'],
      ['SI', 'ZVOP-2, in force 26 January 2023'],
    ]) {
      const verified = jurisdiction === 'KR' || jurisdiction === 'SI' ? `, "verified" = true` : '';
      this.addSql(`update "digital_consent_age" set "source" = '${source}'${verified} where "jurisdiction" = '${jurisdiction}' and "source" = '${seeded}';`);
    }
    this.addSql(`update "digital_consent_age" set "source" = 'GDPR Art. 8(1) and national law, per the Commission staff working document SWD(2020) 115' where "source" = '${seeded}';`);

    this.addSql(`alter table "data_category" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "data_subject_right" add column "source" text null, add column "assumed" text null, add column "deadline" text null, add column "extendable_by" text null;`);
    this.addSql(`alter table "data_subject_right" alter column "response_days" type int using ("response_days"::int);`);
    this.addSql(`alter table "data_subject_right" alter column "response_days" drop not null;`);

    this.addSql(`alter table "data_subject_type" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "organization" add column "source" text null, add column "assumed" text null, add column "dpo_designated" boolean not null default true, add column "representative_name" text null, add column "representative_contact" text null;`);

    this.addSql(`alter table "processor" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "processing_location" add column "dpf_certification" text null, add column "dpf_review_due" text null;`);

    this.addSql(`alter table "purpose" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "retention_rule" add column "source" text null, add column "assumed" text null;`);

    this.addSql(`alter table "processing_activity" add column "source" text null, add column "assumed" text null, add column "special_category_condition" text null, add column "children" boolean not null default false, add column "dpia_criteria" text[] not null default '{}', add column "dpia" text null;`);

    this.addSql(`alter table "security_measure" add column "source" text null, add column "assumed" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "recipient_category" cascade;`);

    this.addSql(`alter table "collection_point" drop column "source", drop column "assumed";`);

    this.addSql(`alter table "consent" drop column "source", drop column "assumed";`);

    this.addSql(`alter table "cookie_category" drop column "source", drop column "assumed";`);

    this.addSql(`update "country" set "in_eea" = false where "member_state_code" is not null;`);
    this.addSql(`alter table "country" drop column "member_state_code";`);

    this.addSql(`alter table "data_category" drop column "source", drop column "assumed";`);

    this.addSql(`alter table "data_subject_right" drop column "source", drop column "assumed", drop column "deadline", drop column "extendable_by";`);

    this.addSql(`alter table "data_subject_right" alter column "response_days" type int4 using ("response_days"::int4);`);
    this.addSql(`alter table "data_subject_right" alter column "response_days" set not null;`);

    this.addSql(`alter table "data_subject_type" drop column "source", drop column "assumed";`);

    this.addSql(`alter table "organization" drop column "source", drop column "assumed", drop column "dpo_designated", drop column "representative_name", drop column "representative_contact";`);

    this.addSql(`alter table "processing_activity" drop column "source", drop column "assumed", drop column "special_category_condition", drop column "children", drop column "dpia_criteria", drop column "dpia";`);

    this.addSql(`alter table "processing_location" drop column "dpf_certification", drop column "dpf_review_due";`);

    this.addSql(`alter table "processor" drop column "source", drop column "assumed";`);

    this.addSql(`alter table "purpose" drop column "source", drop column "assumed";`);

    this.addSql(`alter table "retention_rule" drop column "source", drop column "assumed";`);

    this.addSql(`alter table "security_measure" drop column "source", drop column "assumed";`);
  }

}
