import { randomUUID } from 'node:crypto';

/** What a caller's `x-request-id` may be: short and plain, so it is safe in logs and in the audit trail. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is acceptable (at most 128 of `[A-Za-z0-9._:-]`), otherwise a new one. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && ACCEPTABLE_REQUEST_ID.test(header) ? header : randomUUID();
}
