import { judgedActivityCategories, type ProfileRule, type Statement } from '../data-flow/data-flow.sql';
import type { LegalBasis } from '../processing-activity/legal-basis';
import type { RetentionEvent } from '../retention/retention-rule.entity';

/** An (activity, category) pair that holds the person's data, with what the scope needs of its activity. */
export interface ScopeRow {
  activityKey: string;
  categoryKey: string;
  purposeKey: string;
  legalBasis: LegalBasis;
  requiredConsentKey: string | null;
  legalObligationLaw: string | null;
  retentionKey: string | null;
  duration: string | null;
  startsAt: RetentionEvent | null;
  until: RetentionEvent | null;
  legalClaims: boolean | null;
}

/**
 * The person's data on the map, in one statement: every (activity, category) pair the person's collection points and
 * consents feed (judged by the one profile rule, `REASON`), whether or not a processor receives it, with the
 * activity's retention rule. In (activity, category) order.
 */
export function scopeRowsStatement(profile: ProfileRule): Statement {
  const judged = judgedActivityCategories(profile);
  const sql = `select j.processing_activity_key as "activityKey", j.data_category_key as "categoryKey",
    a.purpose_key as "purposeKey", a.legal_basis as "legalBasis", a.required_consent_key as "requiredConsentKey",
    a.legal_obligation_law as "legalObligationLaw", r.key as "retentionKey", r.duration, r.starts_at as "startsAt", r.until,
    r.legal_claims as "legalClaims"
  from ${judged.sql} j
    join processing_activity a on a.key = j.processing_activity_key
    left join retention_rule r on r.key = a.retention_key
  where j.reason is null
  order by j.processing_activity_key collate "C", j.data_category_key collate "C"`;
  return { sql, params: judged.params };
}

/** Every recipient category (Art. 30(1)(d)) and the activities it receives from (none listed: every activity). */
export const RECIPIENT_CATEGORIES_SQL = `select key, activities from recipient_category order by key collate "C"`;
