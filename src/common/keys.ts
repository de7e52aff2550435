/** CONTRACT.md: a lowercase slug of letters and digits, with `.` or `-` as separators. */
export const KEY_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Register entries (rights requests, breaches) are numbered with UUIDs rather than keys. */
export const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** The parent of a hierarchical key: `contact.email` -> `contact`; a root key has none. */
export function parentKeyOf(key: string): string | null {
  const dot = key.lastIndexOf('.');
  return dot === -1 ? null : key.slice(0, dot);
}
