import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 18: a rights request records the consents the person withdrew (what they fed and is still kept is in
 * scope), and a retention rule says whether it keeps data for legal claims (GDPR Art. 17(3)(e)).
 */
export class Migration20261210120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "rights_request" add column "past_consents" jsonb not null default '[]';`);
    this.addSql(`alter table "retention_rule" add column "legal_claims" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "retention_rule" drop column "legal_claims";`);
    this.addSql(`alter table "rights_request" drop column "past_consents";`);
  }
}
