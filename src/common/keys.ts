/** CONTRACT.md: a lowercase slug of letters and digits, with `.` or `-` as separators. */
export const KEY_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Register entries (rights requests, breaches) are numbered with UUIDs rather than keys. */
export const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Keys name things in URLs, manifests and audit entries: long enough for any slug, short enough to index. */
export const MAX_KEY_LENGTH = 64;

export function isValidKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && KEY_PATTERN.test(key);
}

/** Why a key is not valid, for messages: `"<key>" is not a valid key: …`, with a long key shortened. */
export function invalidKeyMessage(key: string): string {
  const shown = key.length > MAX_KEY_LENGTH ? `"${key.slice(0, 20)}…" (${key.length} characters)` : `"${key}"`;
  return `${shown} is not a valid key: use at most ${MAX_KEY_LENGTH} lowercase letters and digits, separated by "." or "-"`;
}

/** The parent of a hierarchical key: `contact.email` -> `contact`; a root key has none. */
export function parentKeyOf(key: string): string | null {
  const dot = key.lastIndexOf('.');
  return dot === -1 ? null : key.slice(0, dot);
}
