/**
 * Free text the registers keep for years (reasons for an extension, a refusal, a late notice): it says why, never
 * who. An email address or a phone number in it would be personal data that outlives the purge of the request it
 * belongs to, so both are refused, as the subject reference refuses them (data minimisation, Art. 5(1)(c)).
 */

/** Longest text a register keeps in one field (a breach description, a reason): bounded work, bounded audit. */
export const MAX_REGISTER_TEXT = 10_000;

const EMAIL = /[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i;
/** Dates and times (2027-05-14, 2027-05-14T10:00:00Z) are digits in groups too, but not phone numbers. */
const DATE_TIME = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g;
/** A run of digits with the separators phone numbers are written with. */
const DIGIT_RUN = /\+?\(?\d[\d\s().\-/]*\d/g;

function looksLikePhoneNumber(run: string): boolean {
  const digits = run.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  // International (+44 ..., 0044 ...), national with a trunk 0 (0151 234 5678), or three or more groups (555 123 4567).
  if (run.startsWith('+') || run.startsWith('(') || /^00\d/.test(digits)) return true;
  if (/^0\d/.test(run) && digits.length >= 9) return true;
  return run.trim().split(/[\s().\-/]+/).filter(Boolean).length >= 3;
}

/** What a text holds that it must not ("an email address", "a phone number"), or null. */
export function contactDetailIn(text: string): string | null {
  if (EMAIL.test(text)) return 'an email address';
  const runs = text.replace(DATE_TIME, ' ').match(DIGIT_RUN) ?? [];
  if (runs.some(looksLikePhoneNumber)) return 'a phone number';
  return null;
}

/**
 * Null when `text` may be kept as a reason; otherwise the problem, naming the field. Used by every reason the
 * registers keep.
 */
export function reasonProblem(field: string, text: string): string | null {
  const found = contactDetailIn(text);
  if (found) {
    return `${field} contains ${found}; a reason says why, not who: leave contact details out (they would outlive the purge; Art. 5(1)(c))`;
  }
  if (text.length > MAX_REGISTER_TEXT) return `${field} is ${text.length} characters long; at most ${MAX_REGISTER_TEXT} are kept`;
  return null;
}
