import { z } from 'zod';
import reference from '../../seeds/reference/vendors.json';
import { KEY_PATTERN, MAX_KEY_LENGTH } from '../common/keys';

/** The package ecosystems evidence names packages in; the readers produce these, and the catalogue lists them. */
export const ECOSYSTEMS = ['npm', 'pypi', 'go', 'maven', 'rubygems', 'nuget'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export const isEcosystem = (value: string): value is Ecosystem => (ECOSYSTEMS as readonly string[]).includes(value);

/**
 * Where a catalogue entry comes from; a later origin replaces an entry of the same key from an earlier one.
 * SCANNER: no entry at all, only the name a scanner gave a third party the code sends data to.
 */
export type VendorOrigin = 'REFERENCE' | 'REGISTERED' | 'REPOSITORY' | 'SCANNER';

/** One vendor: how code reaches it (SDK packages, API hosts, the names scanners give it) and its processor. */
export interface VendorEntry {
  key: string;
  name: string;
  service?: string | null;
  /** The processor key it maps to; the vendor's own key when absent. */
  processor?: string | null;
  packages: Partial<Record<Ecosystem, string[]>>;
  hosts: string[];
  aliases: string[];
  /** The vendor's SDK documentation or registry page that the names come from. */
  source?: string | null;
  origin: VendorOrigin;
}

export const processorKeyOf = (vendor: Pick<VendorEntry, 'key' | 'processor'>) => vendor.processor || vendor.key;

const key = z.string().max(MAX_KEY_LENGTH).regex(KEY_PATTERN, 'must be a lowercase slug of letters and digits, separated by "." or "-"');
const text = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
/** A package name, or a pattern with one `*` at its end: `@aws-sdk/*`, `aws-sdk-*`, `com.google.cloud:*`. */
const packagePattern = text.regex(/^[^*\s]+\*?$/, 'must be a package name, or a prefix followed by one * at its end (such as @aws-sdk/*)');
const domain = text.regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i, 'must be a domain name such as api.stripe.com');
const list = <T extends z.ZodTypeAny>(item: T) => z.array(item).max(200, 'must have at most 200 entries').default([]);

/** One catalogue entry as a user writes it: in datamap.vendors.yaml, or (translated) through registerVendor. */
export const vendorEntrySchema = z.strictObject({
  key,
  name: text,
  service: text.nullish(),
  processor: key.nullish(),
  packages: z
    .strictObject(Object.fromEntries(ECOSYSTEMS.map((ecosystem) => [ecosystem, list(packagePattern)])) as Record<Ecosystem, ReturnType<typeof list<typeof packagePattern>>>)
    .partial()
    .default({}),
  hosts: list(domain),
  aliases: list(text),
  source: text.nullish(),
});

export type VendorEntryInput = z.input<typeof vendorEntrySchema>;

/** `datamap.vendors.yaml`: a repository's own additions to the catalogue, sent with its evidence. */
export const vendorFileSchema = z.strictObject({
  apiVersion: z.literal('datamap/v1').optional(),
  vendors: z.array(vendorEntrySchema).max(1000, 'must have at most 1000 vendors'),
});

export const VENDOR_FILE = 'datamap.vendors.yaml';

/** A checked entry of a given origin. */
export function vendorEntry(input: z.output<typeof vendorEntrySchema>, origin: VendorOrigin): VendorEntry {
  return { ...input, service: input.service ?? null, processor: input.processor ?? null, source: input.source ?? null, origin };
}

/** The bundled catalogue (seeds/reference/vendors.json), checked by the same schema as a user's entries. */
let bundled: VendorEntry[] | undefined;
export function referenceVendors(): VendorEntry[] {
  return (bundled ??= reference.vendors.map(({ unverified: _unverified, ...entry }: { unverified?: string[] }) => vendorEntry(vendorEntrySchema.parse(entry), 'REFERENCE')));
}

/**
 * A package name as its ecosystem compares names: PyPI by PEP 503 (case, and runs of `-`, `_` and `.`, do not
 * count), the others without regard to case (npm names are lowercase; NuGet ignores case; Go module paths on the
 * hosts that matter ignore it too).
 */
export function normalisePackage(ecosystem: Ecosystem, name: string): string {
  const trimmed = name.trim();
  return ecosystem === 'pypi' ? trimmed.replace(/[-_.]+/g, '-').toLowerCase() : trimmed.toLowerCase();
}

/** A host as a domain: `https://api.stripe.com:443/v1` -> `api.stripe.com`. */
export function normaliseHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^\*\./, '')
    .replace(/\.$/, '');
}

/** A vendor name as scanners spell it, compared on letters and digits only: "Amazon AWS APIs" -> "amazonawsapis". */
export const normaliseName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A key for a vendor the catalogue does not know, from the name a scanner gives it: "Acme Analytics" -> "acme-analytics". */
export const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/\.+/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/-?\.-?/g, '.');

/** What identifies a vendor in one piece of evidence. */
export interface VendorClue {
  ecosystem?: string | null;
  package?: string | null;
  host?: string | null;
  /** The vendor as a scanner names it (Bearer's third party, Privado's sink). */
  vendor?: string | null;
}

export interface VendorMatch {
  vendor: VendorEntry;
  by: 'package' | 'host' | 'name';
}

interface PrefixRule {
  prefix: string;
  vendor: VendorEntry;
}

/**
 * The catalogue in force: the bundled entries, then those registered through the API, then a repository's own
 * (its datamap.vendors.yaml), each replacing an entry of the same key. It answers which vendor a package, a
 * host or a scanner's name belongs to: an exact package name first, then the longest pattern; the longest
 * domain for a host. A package it does not know is simply not a vendor.
 */
export class VendorCatalogue {
  private readonly byKey = new Map<string, VendorEntry>();
  private readonly exact = new Map<Ecosystem, Map<string, VendorEntry>>();
  private readonly prefixes = new Map<Ecosystem, PrefixRule[]>();
  private readonly domains = new Map<string, VendorEntry>();
  private readonly names = new Map<string, VendorEntry>();

  constructor(...layers: VendorEntry[][]) {
    for (const entry of layers.flat()) this.byKey.set(entry.key, entry);
    for (const ecosystem of ECOSYSTEMS) {
      this.exact.set(ecosystem, new Map());
      this.prefixes.set(ecosystem, []);
    }
    for (const entry of this.byKey.values()) {
      for (const [ecosystem, patterns] of Object.entries(entry.packages) as [Ecosystem, string[]][]) {
        for (const pattern of patterns ?? []) {
          const normalised = normalisePackage(ecosystem, pattern);
          if (!normalised.endsWith('*')) {
            this.exact.get(ecosystem)!.set(normalised, entry);
            continue;
          }
          const prefix = normalised.slice(0, -1);
          this.prefixes.get(ecosystem)!.push({ prefix, vendor: entry });
          // `github.com/stripe/stripe-go/*` also names the module itself.
          if (prefix.endsWith('/')) this.exact.get(ecosystem)!.set(prefix.slice(0, -1), entry);
        }
      }
      for (const host of entry.hosts) this.domains.set(normaliseHost(host), entry);
      for (const name of [entry.key, entry.name, ...entry.aliases]) this.names.set(normaliseName(name), entry);
    }
    for (const rules of this.prefixes.values()) rules.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  get entries(): VendorEntry[] {
    return [...this.byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  get(key: string): VendorEntry | undefined {
    return this.byKey.get(key);
  }

  /** The vendor a package belongs to; without an ecosystem, any ecosystem's. */
  byPackage(ecosystem: string | null | undefined, name: string): VendorEntry | undefined {
    const ecosystems = ecosystem ? (isEcosystem(ecosystem) ? [ecosystem] : []) : ECOSYSTEMS;
    for (const eco of ecosystems) {
      const normalised = normalisePackage(eco, name);
      const found = this.exact.get(eco)!.get(normalised) ?? this.prefixes.get(eco)!.find((rule) => normalised.startsWith(rule.prefix))?.vendor;
      if (found) return found;
    }
    return undefined;
  }

  /** The vendor whose domain a host is, or is under (the longest such domain). */
  byHost(host: string): VendorEntry | undefined {
    const labels = normaliseHost(host).split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const found = this.domains.get(labels.slice(i).join('.'));
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The vendor a scanner names: by key, name or alias (Bearer's "Amazon AWS APIs"), or Privado's sink id
   * (`ThirdParties.SDK.Stripe`; `ThirdParties.API.<host>` is a host).
   */
  byName(name: string): VendorEntry | undefined {
    const api = /^ThirdParties\.API\.(.+)$/i.exec(name);
    if (api) return this.byHost(api[1]);
    const sdk = /^ThirdParties\.SDK\.(.+)$/i.exec(name);
    return this.names.get(normaliseName(sdk ? sdk[1] : name));
  }

  /**
   * Which vendor a piece of evidence points to. A package is matched first, then a host, then the scanner's name.
   * A scanner's name the catalogue does not know still names a recipient: it becomes a vendor of its own (key
   * from the name, mapping to the processor of that key), so that code sending data to it is never silent.
   */
  identify(clue: VendorClue): VendorMatch | null {
    const byPackage = clue.package ? this.byPackage(clue.ecosystem, clue.package) : undefined;
    if (byPackage) return { vendor: byPackage, by: 'package' };
    const byHost = clue.host ? this.byHost(clue.host) : undefined;
    if (byHost) return { vendor: byHost, by: 'host' };
    if (!clue.vendor) return null;
    const known = this.byName(clue.vendor);
    if (known) return { vendor: known, by: 'name' };
    const name = clue.vendor.replace(/^ThirdParties\.(SDK|API)\./i, '').trim();
    const key = slugOf(name);
    if (!key) return null;
    return { vendor: this.byKey.get(key) ?? { key, name, packages: {}, hosts: [], aliases: [], origin: 'SCANNER' }, by: 'name' };
  }
}
