import { Migration } from '@mikro-orm/migrations';

export class Migration20261129195147 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "adequacy_scope" as enum ('FULL', 'PARTIAL', 'NONE');`);
    this.addSql(`create type "processor_status" as enum ('PROPOSED', 'ACTIVE', 'REJECTED', 'RETIRED');`);
    this.addSql(`create type "transfer_mechanism" as enum ('ADEQUACY_DECISION', 'STANDARD_CONTRACTUAL_CLAUSES', 'BINDING_CORPORATE_RULES', 'CODE_OF_CONDUCT', 'CERTIFICATION', 'DEROGATION_EXPLICIT_CONSENT', 'DEROGATION_CONTRACT');`);
    this.addSql(`create type "retention_event" as enum ('COLLECTION', 'ACCOUNT_CLOSURE', 'LAST_ACTIVITY', 'TRANSACTION', 'UNSUBSCRIBE', 'CASE_CLOSURE', 'SESSION_END');`);
    this.addSql(`create type "legal_basis" as enum ('CONSENT', 'CONTRACT', 'LEGAL_OBLIGATION', 'VITAL_INTERESTS', 'PUBLIC_TASK', 'LEGITIMATE_INTERESTS');`);
    this.addSql(`create table "age_policy" ("key" text not null default 'platform', "minimum_age" int not null, "default_digital_consent_age" int not null, "parental_guidance_until_age" int not null, constraint "age_policy_pkey" primary key ("key"));`);

    this.addSql(`create table "collection_point" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "automatic" boolean not null default false, constraint "collection_point_pkey" primary key ("key"));`);

    this.addSql(`create table "consent" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "consent_pkey" primary key ("key"));`);

    this.addSql(`create table "cookie_category" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "duration" text null, "consent_key" text null, constraint "cookie_category_pkey" primary key ("key"));`);

    this.addSql(`create table "country" ("code" text not null, "name" text not null, "in_eea" boolean not null default false, "adequacy" "adequacy_scope" not null default 'NONE', "adequacy_note" text null, "adequacy_decision" text null, constraint "country_pkey" primary key ("code"));`);

    this.addSql(`create table "data_category" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "parent_key" text null, "examples" jsonb not null, "special_category" boolean not null default false, constraint "data_category_pkey" primary key ("key"));`);

    this.addSql(`create table "collection_point_categories" ("collection_point_key" text not null, "data_category_key" text not null, constraint "collection_point_categories_pkey" primary key ("collection_point_key", "data_category_key"));`);

    this.addSql(`create table "data_subject_right" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "article" text not null, "response_days" int not null, constraint "data_subject_right_pkey" primary key ("key"));`);

    this.addSql(`create table "data_subject_type" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "data_subject_type_pkey" primary key ("key"));`);

    this.addSql(`create table "digital_consent_age" ("jurisdiction" text not null, "age" int not null, "verified" boolean not null default true, "source" text null, constraint "digital_consent_age_pkey" primary key ("jurisdiction"));`);

    this.addSql(`create table "organization" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "legal_name" text not null, "email" text not null, "phone" text null, "address" text not null, "country_code" text not null, "dpo_name" text not null, "dpo_email" text not null, "rights_response_days" int not null, "breach_notification_hours" int not null, "policy_updated_on" text not null, constraint "organization_pkey" primary key ("key"));`);

    this.addSql(`create table "processor" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "legal_name" text null, "service" text not null, "website" text null, "headquarters_code" text not null, "dpa_reference" text null, "status" "processor_status" not null default 'PROPOSED', "version" int not null default 1, constraint "processor_pkey" primary key ("key"));`);

    this.addSql(`create table "processing_location" ("id" serial primary key, "processor_key" text not null, "country_code" text not null, "mechanism" "transfer_mechanism" null, "reference" text null);`);
    this.addSql(`alter table "processing_location" add constraint "processing_location_processor_key_country_code_unique" unique ("processor_key", "country_code");`);

    this.addSql(`create table "processor_data_categories" ("processor_key" text not null, "data_category_key" text not null, constraint "processor_data_categories_pkey" primary key ("processor_key", "data_category_key"));`);

    this.addSql(`create table "purpose" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "parent_key" text null, constraint "purpose_pkey" primary key ("key"));`);

    this.addSql(`create table "retention_rule" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "duration" text null, "starts_at" "retention_event" not null, "until" "retention_event" null, "reason" text not null, constraint "retention_rule_pkey" primary key ("key"));`);

    this.addSql(`create table "processing_activity" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "purpose_key" text not null, "legal_basis" "legal_basis" not null, "legitimate_interest" text null, "required_consent_key" text null, "retention_key" text null, constraint "processing_activity_pkey" primary key ("key"));`);

    this.addSql(`create table "processing_activity_subject_types" ("processing_activity_key" text not null, "data_subject_type_key" text not null, constraint "processing_activity_subject_types_pkey" primary key ("processing_activity_key", "data_subject_type_key"));`);

    this.addSql(`create table "processing_activity_processors" ("processing_activity_key" text not null, "processor_key" text not null, constraint "processing_activity_processors_pkey" primary key ("processing_activity_key", "processor_key"));`);

    this.addSql(`create table "processing_activity_data_categories" ("processing_activity_key" text not null, "data_category_key" text not null, constraint "processing_activity_data_categories_pkey" primary key ("processing_activity_key", "data_category_key"));`);

    this.addSql(`create table "processing_activity_collection_points" ("processing_activity_key" text not null, "collection_point_key" text not null, constraint "processing_activity_collection_points_pkey" primary key ("processing_activity_key", "collection_point_key"));`);

    this.addSql(`create table "security_measure" ("key" text not null, "name" text not null, "description" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "security_measure_pkey" primary key ("key"));`);

    this.addSql(`create table "processing_activity_security_measures" ("processing_activity_key" text not null, "security_measure_key" text not null, constraint "processing_activity_security_measures_pkey" primary key ("processing_activity_key", "security_measure_key"));`);

    this.addSql(`alter table "cookie_category" add constraint "cookie_category_consent_key_foreign" foreign key ("consent_key") references "consent" ("key") on update cascade on delete restrict;`);

    this.addSql(`alter table "data_category" add constraint "data_category_parent_key_foreign" foreign key ("parent_key") references "data_category" ("key") on update cascade on delete restrict;`);

    this.addSql(`alter table "collection_point_categories" add constraint "collection_point_categories_collection_point_key_foreign" foreign key ("collection_point_key") references "collection_point" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "collection_point_categories" add constraint "collection_point_categories_data_category_key_foreign" foreign key ("data_category_key") references "data_category" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "organization" add constraint "organization_country_code_foreign" foreign key ("country_code") references "country" ("code") on update cascade on delete restrict;`);

    this.addSql(`alter table "processor" add constraint "processor_headquarters_code_foreign" foreign key ("headquarters_code") references "country" ("code") on update cascade on delete restrict;`);

    this.addSql(`alter table "processing_location" add constraint "processing_location_processor_key_foreign" foreign key ("processor_key") references "processor" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "processing_location" add constraint "processing_location_country_code_foreign" foreign key ("country_code") references "country" ("code") on update cascade on delete restrict;`);

    this.addSql(`alter table "processor_data_categories" add constraint "processor_data_categories_processor_key_foreign" foreign key ("processor_key") references "processor" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "processor_data_categories" add constraint "processor_data_categories_data_category_key_foreign" foreign key ("data_category_key") references "data_category" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "purpose" add constraint "purpose_parent_key_foreign" foreign key ("parent_key") references "purpose" ("key") on update cascade on delete restrict;`);

    this.addSql(`alter table "processing_activity" add constraint "processing_activity_purpose_key_foreign" foreign key ("purpose_key") references "purpose" ("key") on update cascade on delete restrict;`);
    this.addSql(`alter table "processing_activity" add constraint "processing_activity_required_consent_key_foreign" foreign key ("required_consent_key") references "consent" ("key") on update cascade on delete restrict;`);
    this.addSql(`alter table "processing_activity" add constraint "processing_activity_retention_key_foreign" foreign key ("retention_key") references "retention_rule" ("key") on update cascade on delete restrict;`);

    this.addSql(`alter table "processing_activity_subject_types" add constraint "processing_activity_subject_types_processing_act_fa0cf_foreign" foreign key ("processing_activity_key") references "processing_activity" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "processing_activity_subject_types" add constraint "processing_activity_subject_types_data_subject_type_key_foreign" foreign key ("data_subject_type_key") references "data_subject_type" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "processing_activity_processors" add constraint "processing_activity_processors_processing_activity_key_foreign" foreign key ("processing_activity_key") references "processing_activity" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "processing_activity_processors" add constraint "processing_activity_processors_processor_key_foreign" foreign key ("processor_key") references "processor" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "processing_activity_data_categories" add constraint "processing_activity_data_categories_processing_a_aefde_foreign" foreign key ("processing_activity_key") references "processing_activity" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "processing_activity_data_categories" add constraint "processing_activity_data_categories_data_category_key_foreign" foreign key ("data_category_key") references "data_category" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "processing_activity_collection_points" add constraint "processing_activity_collection_points_processing_e15ef_foreign" foreign key ("processing_activity_key") references "processing_activity" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "processing_activity_collection_points" add constraint "processing_activity_collection_points_collection_ca811_foreign" foreign key ("collection_point_key") references "collection_point" ("key") on update cascade on delete cascade;`);

    this.addSql(`alter table "processing_activity_security_measures" add constraint "processing_activity_security_measures_processing_161f0_foreign" foreign key ("processing_activity_key") references "processing_activity" ("key") on update cascade on delete cascade;`);
    this.addSql(`alter table "processing_activity_security_measures" add constraint "processing_activity_security_measures_security_m_451a0_foreign" foreign key ("security_measure_key") references "security_measure" ("key") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "collection_point_categories" drop constraint "collection_point_categories_collection_point_key_foreign";`);

    this.addSql(`alter table "processing_activity_collection_points" drop constraint "processing_activity_collection_points_collection_ca811_foreign";`);

    this.addSql(`alter table "cookie_category" drop constraint "cookie_category_consent_key_foreign";`);

    this.addSql(`alter table "processing_activity" drop constraint "processing_activity_required_consent_key_foreign";`);

    this.addSql(`alter table "organization" drop constraint "organization_country_code_foreign";`);

    this.addSql(`alter table "processor" drop constraint "processor_headquarters_code_foreign";`);

    this.addSql(`alter table "processing_location" drop constraint "processing_location_country_code_foreign";`);

    this.addSql(`alter table "data_category" drop constraint "data_category_parent_key_foreign";`);

    this.addSql(`alter table "collection_point_categories" drop constraint "collection_point_categories_data_category_key_foreign";`);

    this.addSql(`alter table "processor_data_categories" drop constraint "processor_data_categories_data_category_key_foreign";`);

    this.addSql(`alter table "processing_activity_data_categories" drop constraint "processing_activity_data_categories_data_category_key_foreign";`);

    this.addSql(`alter table "processing_activity_subject_types" drop constraint "processing_activity_subject_types_data_subject_type_key_foreign";`);

    this.addSql(`alter table "processing_location" drop constraint "processing_location_processor_key_foreign";`);

    this.addSql(`alter table "processor_data_categories" drop constraint "processor_data_categories_processor_key_foreign";`);

    this.addSql(`alter table "processing_activity_processors" drop constraint "processing_activity_processors_processor_key_foreign";`);

    this.addSql(`alter table "purpose" drop constraint "purpose_parent_key_foreign";`);

    this.addSql(`alter table "processing_activity" drop constraint "processing_activity_purpose_key_foreign";`);

    this.addSql(`alter table "processing_activity" drop constraint "processing_activity_retention_key_foreign";`);

    this.addSql(`alter table "processing_activity_subject_types" drop constraint "processing_activity_subject_types_processing_act_fa0cf_foreign";`);

    this.addSql(`alter table "processing_activity_processors" drop constraint "processing_activity_processors_processing_activity_key_foreign";`);

    this.addSql(`alter table "processing_activity_data_categories" drop constraint "processing_activity_data_categories_processing_a_aefde_foreign";`);

    this.addSql(`alter table "processing_activity_collection_points" drop constraint "processing_activity_collection_points_processing_e15ef_foreign";`);

    this.addSql(`alter table "processing_activity_security_measures" drop constraint "processing_activity_security_measures_processing_161f0_foreign";`);

    this.addSql(`alter table "processing_activity_security_measures" drop constraint "processing_activity_security_measures_security_m_451a0_foreign";`);

    this.addSql(`drop table if exists "age_policy" cascade;`);

    this.addSql(`drop table if exists "collection_point" cascade;`);

    this.addSql(`drop table if exists "consent" cascade;`);

    this.addSql(`drop table if exists "cookie_category" cascade;`);

    this.addSql(`drop table if exists "country" cascade;`);

    this.addSql(`drop table if exists "data_category" cascade;`);

    this.addSql(`drop table if exists "collection_point_categories" cascade;`);

    this.addSql(`drop table if exists "data_subject_right" cascade;`);

    this.addSql(`drop table if exists "data_subject_type" cascade;`);

    this.addSql(`drop table if exists "digital_consent_age" cascade;`);

    this.addSql(`drop table if exists "organization" cascade;`);

    this.addSql(`drop table if exists "processor" cascade;`);

    this.addSql(`drop table if exists "processing_location" cascade;`);

    this.addSql(`drop table if exists "processor_data_categories" cascade;`);

    this.addSql(`drop table if exists "purpose" cascade;`);

    this.addSql(`drop table if exists "retention_rule" cascade;`);

    this.addSql(`drop table if exists "processing_activity" cascade;`);

    this.addSql(`drop table if exists "processing_activity_subject_types" cascade;`);

    this.addSql(`drop table if exists "processing_activity_processors" cascade;`);

    this.addSql(`drop table if exists "processing_activity_data_categories" cascade;`);

    this.addSql(`drop table if exists "processing_activity_collection_points" cascade;`);

    this.addSql(`drop table if exists "security_measure" cascade;`);

    this.addSql(`drop table if exists "processing_activity_security_measures" cascade;`);

    this.addSql(`drop type "adequacy_scope";`);
    this.addSql(`drop type "processor_status";`);
    this.addSql(`drop type "transfer_mechanism";`);
    this.addSql(`drop type "retention_event";`);
    this.addSql(`drop type "legal_basis";`);
  }

}
