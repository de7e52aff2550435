import mapping from '../../seeds/reference/data-types.json';
import { KEY_PATTERN } from '../common/keys';

const bearerTypes = new Map(Object.entries(mapping.bearer.types).map(([name, category]) => [name.toLowerCase(), category]));
const bearerIgnored = new Set(mapping.bearer.ignored.map((name) => name.toLowerCase()));
const privadoElements = new Map(Object.entries(mapping.privado.elements));
const privadoCategories = new Map(Object.entries(mapping.privado.categories));

/** The special categories (Art. 9(1)) and criminal data (Art. 10) that scanners' data types map to. */
export const SPECIAL_CATEGORIES: Readonly<Record<string, string>> = mapping.specialCategories;

/**
 * The category of the data map's taxonomy that a scanner's data type stands for (seeds/reference/data-types.json):
 * Bearer's names ("Email Address"), Privado's element ids (`Data.Sensitive.ContactData.EmailAddress`, or by its
 * category part), or a key of the map's own taxonomy as it is. `undefined` for a placeholder to skip (Bearer's
 * "Unknown"), `null` for a type the mapping does not know.
 */
export function categoryOfDataType(dataType: string, tool?: string | null): string | null | undefined {
  const name = dataType.trim();
  if (bearerIgnored.has(name.toLowerCase())) return undefined;
  if (KEY_PATTERN.test(name)) return name;
  const privadoCategory = /^Data\.[^.]+\.([^.]+)\./.exec(name)?.[1];
  const privado = privadoElements.get(name) ?? (privadoCategory ? privadoCategories.get(privadoCategory) : undefined);
  if (privado || /privado/i.test(tool ?? '')) return privado ?? null;
  return bearerTypes.get(name.toLowerCase()) ?? null;
}

/**
 * The category a mapped key stands for in a given map: itself when the map has it, else its nearest ancestor
 * the map has (a map without `identity.name` still has `identity`), else the key itself, which no processor
 * can be declared for.
 */
export function categoryInMap(key: string, categories: ReadonlySet<string>): { key: string; inMap: boolean } {
  for (let candidate: string | null = key; candidate; candidate = candidate.includes('.') ? candidate.slice(0, candidate.lastIndexOf('.')) : null) {
    if (categories.has(candidate)) return { key: candidate, inMap: true };
  }
  return { key, inMap: false };
}

/** A processor declared for `contact` is declared for `contact.email`; one declared for `contact.email` is not declared for `contact`. */
export const declaredFor = (declared: readonly string[], category: string) =>
  declared.some((key) => key === category || category.startsWith(`${key}.`));
