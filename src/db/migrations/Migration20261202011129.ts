import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 19, every regime: the UK and Swiss adequacy lists (`regime_adequacy`, filled by `ensureCountries` from
 * seeds/reference/adequacy-regimes.json), a location's safeguard per regime (`location_safeguard`, its EU_GDPR
 * entry copied from the location's own columns, which stay for the flow statement), transfer impact assessments,
 * the UK's transfer tools, the UK and Swiss representatives, a processor's Art. 3(2) standing, a subject type's
 * contract, and an activity's legal obligation and public-area monitoring (Art. 35(3)(c)).
 */
export class Migration20261202011129 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "regime" as enum ('EU_GDPR', 'UK_GDPR', 'SWISS_FADP');`);
    this.addSql(`create type "tia_outcome" as enum ('ADEQUATE_PROTECTION', 'WITH_SUPPLEMENTARY_MEASURES', 'TRANSFER_SUSPENDED');`);
    this.addSql(`create table "location_safeguard" ("id" serial primary key, "location_id" int not null, "regime" "regime" not null, "mechanism" "transfer_mechanism" null, "reference" text null, "dpf_certification" text null, "dpf_review_due" text null, "changed_at" timestamptz null);`);
    this.addSql(`alter table "location_safeguard" add constraint "location_safeguard_location_id_regime_unique" unique ("location_id", "regime");`);

    this.addSql(`create table "regime_adequacy" ("regime" "regime" not null, "country_code" text not null, "scope" "adequacy_scope" not null, "note" text null, "instrument" text not null, "since" text null, "verified" boolean not null, "assumed" text null, constraint "regime_adequacy_pkey" primary key ("regime", "country_code"));`);
    this.addSql(`create index "regime_adequacy_country_code_index" on "regime_adequacy" ("country_code");`);

    this.addSql(`create table "transfer_impact_assessment" ("id" serial primary key, "processor_key" text not null, "country_code" text not null, "regime" "regime" not null, "reference" text not null, "assessed_at" text not null, "outcome" "tia_outcome" not null, "supplementary_measures" text[] not null, "recorded_at" timestamptz not null default now());`);
    this.addSql(`create index "transfer_impact_assessment_country_code_index" on "transfer_impact_assessment" ("country_code");`);
    this.addSql(`create index "transfer_impact_assessment_processor_key_country_c_be3ff_index" on "transfer_impact_assessment" ("processor_key", "country_code", "regime");`);

    this.addSql(`alter table "location_safeguard" add constraint "location_safeguard_location_id_foreign" foreign key ("location_id") references "processing_location" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "regime_adequacy" add constraint "regime_adequacy_country_code_foreign" foreign key ("country_code") references "country" ("code") on update cascade on delete cascade;`);

    this.addSql(`alter table "transfer_impact_assessment" add constraint "transfer_impact_assessment_processor_key_foreign" foreign key ("processor_key") references "processor" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "transfer_impact_assessment" add constraint "transfer_impact_assessment_country_code_foreign" foreign key ("country_code") references "country" ("code") on update cascade on delete restrict;`);

    this.addSql(`alter table "data_subject_type" add column "contract" boolean null;`);

    this.addSql(`alter table "organization" add column "uk_representative_name" text null, add column "uk_representative_contact" text null, add column "swiss_representative_name" text null, add column "swiss_representative_contact" text null;`);

    this.addSql(`alter table "processor" add column "subject_to_gdpr" boolean null;`);

    this.addSql(`alter type "transfer_mechanism" add value if not exists 'UK_IDTA' after 'DEROGATION_CONTRACT';`);

    this.addSql(`alter type "transfer_mechanism" add value if not exists 'UK_ADDENDUM' after 'UK_IDTA';`);

    // Every location that records what it rests on gets its EU_GDPR safeguard, unchanged since the migration.
    this.addSql(`insert into "location_safeguard" ("location_id", "regime", "mechanism", "reference", "dpf_certification", "dpf_review_due")
      select "id", 'EU_GDPR', "mechanism", "reference", "dpf_certification", "dpf_review_due" from "processing_location"
      where "mechanism" is not null or "reference" is not null or "dpf_certification" is not null or "dpf_review_due" is not null;`);

    this.addSql(`alter table "processing_activity" add column "monitors_public_area" boolean not null default false, add column "legal_obligation_law" text null, add column "legal_obligation_jurisdiction" text null;`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "location_safeguard" cascade;`);

    this.addSql(`drop table if exists "regime_adequacy" cascade;`);

    this.addSql(`drop table if exists "transfer_impact_assessment" cascade;`);

    this.addSql(`alter table "data_subject_type" drop column "contract";`);

    this.addSql(`alter table "organization" drop column "uk_representative_name", drop column "uk_representative_contact", drop column "swiss_representative_name", drop column "swiss_representative_contact";`);

    this.addSql(`alter table "processing_activity" drop column "monitors_public_area", drop column "legal_obligation_law", drop column "legal_obligation_jurisdiction";`);

    this.addSql(`alter table "processor" drop column "subject_to_gdpr";`);

    this.addSql(`drop type "regime";`);
    this.addSql(`drop type "tia_outcome";`);
  }

}
