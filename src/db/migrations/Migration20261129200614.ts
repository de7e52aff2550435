import { Migration } from '@mikro-orm/migrations';

export class Migration20261129200614 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_entry" ("id" bigserial primary key, "at" timestamptz not null default now(), "actor" text not null, "roles" jsonb not null, "operation" text not null, "entity_type" text not null, "entity_key" text not null, "before" jsonb null, "after" jsonb null, "request_id" text null);`);
    this.addSql(`create index "audit_entry_at_index" on "audit_entry" ("at");`);
    this.addSql(`create index "audit_entry_actor_index" on "audit_entry" ("actor");`);
    this.addSql(`create index "audit_entry_entity_type_entity_key_index" on "audit_entry" ("entity_type", "entity_key");`);
    // The trail is append-only in the database itself, not only in the API.
    this.addSql(`create function "audit_entry_append_only"() returns trigger language plpgsql as $$ begin raise exception 'the audit trail is append-only'; end $$;`);
    this.addSql(`create trigger "audit_entry_append_only" before update or delete on "audit_entry" for each row execute function "audit_entry_append_only"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_entry" cascade;`);
    this.addSql(`drop function if exists "audit_entry_append_only"();`);
  }

}
