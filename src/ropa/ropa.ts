import { markdownCell, toSafeCsv } from '../common/export-text';
import type { Manifest } from '../manifest/manifest.schema';
import { ProcessorStatus } from '../processor/processor.entity';
import { AdequacyScope } from '../country/country.entity';
import { Regime } from '../country/regime';
import { DPIA_THRESHOLD, dpiaCriteriaOf, dpiaRequiredBy } from '../processing-activity/dpia-criterion';
import type { TransferRecords } from '../processor/transfer-impact-assessment.service';
import { hopParties, RecipientRole } from '../processor/recipient-role';
import { judgeTransfer, safeguardUnder, transferLocations, type CountryStanding } from '../processor/transfer-rules';

export interface RopaTransfer {
  /** ISO 3166-1 alpha-2 code of the third country. */
  country: string;
  processor: string;
  /** What the transfer rests on (the one judgment's view), or null when nothing is recorded. */
  mechanism: string | null;
  reference: string | null;
  /** False when the judgment finds no valid safeguard. */
  safeguarded: boolean;
  /** True when the processor records no location and is judged at its headquarters. */
  atHeadquarters: boolean;
  /** YYYY-MM-DD, only while the transfer is in its notice period: it starts then, and is not current. */
  effectiveFrom?: string;
}

/**
 * Recipients and countries announced on the public list whose notice period still runs (YYYY-MM-DD when each
 * starts): the record shows them "from <date>", not as current.
 */
export interface UpcomingRecipients {
  processors: ReadonlyMap<string, string>;
  /** By `processor|country`. */
  locations: ReadonlyMap<string, string>;
}

export const NO_UPCOMING: UpcomingRecipients = { processors: new Map(), locations: new Map() };

/** One category of recipients (Art. 30(1)(d)) and, for processors, who they are. */
export interface RopaRecipients {
  category: string;
  /** The processors by name and service; for other categories, when they receive the data. */
  recipients: string[];
}

export interface RopaRow {
  key: string;
  activity: string;
  purpose: string;
  legalBasis: string;
  legitimateInterest: string | null;
  /** For LEGAL_OBLIGATION: the law that lays the obligation down, and whose law it is. */
  legalObligation: { law: string; jurisdiction: string | null } | null;
  dataSubjects: string[];
  dataCategories: string[];
  /** Special categories (Art. 9(1)) the activity uses, and the Art. 9(2) condition it relies on. */
  specialCategories: { categories: string[]; condition: string | null } | null;
  /** True when it processes children's data. */
  children: boolean;
  /** WP248 criteria met; two or more indicate a DPIA. */
  dpiaCriteria: string[];
  /** The cases of Art. 35(3) it falls under, each of which requires a DPIA. */
  dpiaRequired: string[];
  dpia: string | null;
  recipients: RopaRecipients[];
  transfers: RopaTransfer[];
  retention: string | null;
  securityMeasures: string[];
  /** The policy sections that state the activity and its retention rule. */
  sources: string[];
  /** What the activity, its retention rule and its recipients assume beyond the policy, each naming its entry. */
  assumed: string[];
}

/** The person the record names for data protection (Art. 30(1)(a)), labelled as what they are. */
export interface RopaContact {
  /** "Data protection officer" only for a DPO designated under Art. 37. */
  label: string;
  name: string;
  email: string;
}

/**
 * The record of processing activities under one regime (GDPR Art. 30(1), UK GDPR Art. 30(1), FADP Art. 12): the
 * controller, its representative there and DPO, and one row per activity with its transfers judged under the regime.
 */
export interface Ropa {
  title: string;
  regime: Regime;
  controller: { name: string; legalName: string; address: string; email: string; phone: string | null } | null;
  /** The representative in the regime's territory (GDPR and UK GDPR Art. 27, FADP Art. 14); null when none is recorded. */
  representative: { name: string; contact: string | null } | null;
  dataProtectionContact: RopaContact | null;
  activities: RopaRow[];
}

export type RopaFormat = 'csv' | 'md' | 'json';
export const ROPA_FORMATS: readonly RopaFormat[] = ['csv', 'md', 'json'];

/** How the record is titled and names the representative under each regime. */
const RECORD_OF: Record<Regime, { title: string; representative: string; field: 'representative' | 'ukRepresentative' | 'swissRepresentative' }> = {
  EU_GDPR: { title: 'Record of processing activities (GDPR Art. 30(1))', representative: 'Representative in the Union (Art. 27)', field: 'representative' },
  UK_GDPR: {
    title: 'Record of processing activities (UK GDPR Art. 30(1))',
    representative: 'Representative in the United Kingdom (UK GDPR Art. 27)',
    field: 'ukRepresentative',
  },
  SWISS_FADP: { title: 'Record of processing activities (FADP Art. 12)', representative: 'Representative in Switzerland (FADP Art. 14)', field: 'swissRepresentative' },
};
const NOT_RECORDED = 'NOT RECORDED';

/** Which record, and the day its transfers are judged on (a lapsed DPF certification is no safeguard). */
export interface RopaOptions {
  regime?: Regime;
  /** YYYY-MM-DD; without it, no date is judged past. */
  today?: string | null;
  dpfGraceDays?: number;
  /** The latest transfer impact assessments: one that suspended a transfer leaves it unsafeguarded in the record. */
  records?: TransferRecords;
  /** Recipients and countries still in their notice period: listed "from <date>", not as current. */
  upcoming?: UpcomingRecipients;
}

/** A map with neither a controller nor activities has no record of processing to give. */
export class EmptyMap extends Error {
  constructor() {
    super('the database holds no data map (no organization, no processing activities): apply one first, such as `npm run datamap -- apply seeds/pythonmaster.yaml`');
    this.name = 'EmptyMap';
  }
}

const PERIOD_UNITS: [string, string][] = [['Y', 'year'], ['M', 'month'], ['W', 'week'], ['D', 'day']];

/** "P3Y" -> "3 years", "P1Y6M" -> "1 year 6 months"; an unusual period is shown as written. */
export function periodText(period: string): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(period);
  if (!match || match.slice(1).every((part) => part === undefined)) return period;
  return PERIOD_UNITS.flatMap(([, unit], i) => {
    const count = match[i + 1];
    return count === undefined ? [] : [`${Number(count)} ${unit}${Number(count) === 1 ? '' : 's'}`];
  }).join(' ');
}

const eventText = (event: string) => event.toLowerCase().replace(/_/g, ' ');

/** A retention rule in words: its description, or its period and events ("3 years after account closure"). */
export function retentionText(rule: { description?: string | null; duration?: string | null; startsAt: string; until?: string | null }): string {
  if (rule.description) return rule.description;
  const until = rule.until ? `until ${eventText(rule.until)}` : null;
  if (rule.duration) return `${periodText(rule.duration)} after ${eventText(rule.startsAt)}${until ? `, or ${until}` : ''}`;
  return until ?? `from ${eventText(rule.startsAt)}, with no period recorded`;
}

/**
 * Builds the record from the map (a manifest: an export of the database) under one regime (EU_GDPR unless given).
 * Only ACTIVE processors are recipients: proposed ones receive nothing yet, rejected and retired ones nothing any
 * more. Each transfer is judged by the one judgment (`judgeTransfer`) under the regime, with the location's
 * safeguard for it, a processor without locations at its headquarters.
 */
export function buildRopa(map: Manifest, countries: ReadonlyMap<string, CountryStanding>, options: RopaOptions = {}): Ropa {
  const regime = options.regime ?? Regime.EU_GDPR;
  const record = RECORD_OF[regime];
  const upcoming = options.upcoming ?? NO_UPCOMING;
  const organization = map.organization;
  if (!organization && map.activities.length === 0) throw new EmptyMap();
  const nameOf = (entries: readonly { key: string; name: string }[]) => {
    const names = new Map(entries.map((e) => [e.key, e.name]));
    return (key: string) => names.get(key) ?? key;
  };
  const purpose = nameOf(map.purposes);
  const subject = nameOf(map.dataSubjectTypes);
  const category = nameOf(map.dataCategories);
  const measure = nameOf(map.securityMeasures);
  const retention = new Map(map.retentionRules.map((r) => [r.key, r]));
  const active = map.processors.filter((p) => p.status === ProcessorStatus.ACTIVE);
  const special = map.dataCategories.filter((c) => c.specialCategory).map((c) => c.key);
  const roleOf = new Map(map.processors.map((p) => [p.key, p.role]));
  const nameOfProcessor = nameOf(map.processors);
  // An activity's recipients: the ACTIVE ones it engages, and along each chain the ACTIVE sub-processors they
  // engaged (Art. 28(2),(4)); a chain stops at a recipient that is not ACTIVE. Chains are acyclic (validated).
  const engagedBy = new Map<string, Manifest['processors']>();
  for (const p of active) if (p.engagedBy) engagedBy.set(p.engagedBy, [...(engagedBy.get(p.engagedBy) ?? []), p]);
  const chainBelow = (p: ManifestRecipient): Manifest['processors'] =>
    (engagedBy.get(p.key) ?? []).flatMap((sub) => [sub, ...chainBelow(sub)]);
  const recipientsOf = (activityKey: string) => {
    const direct = active.filter((p) => !p.engagedBy && p.activities.includes(activityKey));
    const all = [...direct, ...direct.flatMap(chainBelow)];
    return [...new Map(all.map((p) => [p.key, p])).values()];
  };
  const recipientText = (p: ManifestRecipient) =>
    `${p.name} (${p.service}${p.engagedBy ? `, engaged by ${nameOfProcessor(p.engagedBy)}` : ''})${upcoming.processors.has(p.key) ? `, from ${upcoming.processors.get(p.key)}` : ''}`;
  const standing = (code: string): CountryStanding => countries.get(code) ?? { code, inEEA: false, adequacy: AdequacyScope.NONE };

  return {
    title: record.title,
    regime,
    controller: organization
      ? { name: organization.name, legalName: organization.legalName, address: organization.address, email: organization.email, phone: organization.phone ?? null }
      : null,
    representative: representativeOf(organization?.[record.field]),
    dataProtectionContact: organization
      ? {
          label: organization.dpo.designated
            ? 'Data protection officer'
            : 'Privacy contact (not a data protection officer designated under Art. 37)',
          name: organization.dpo.name,
          email: organization.dpo.email,
        }
      : null,
    activities: map.activities.map((activity) => {
      const processors = recipientsOf(activity.key);
      const listed = new Set(processors.map((p) => p.key));
      // A category that is now a recorded recipient (the advertising partners) is listed once, as the recipient.
      const others = map.recipientCategories.filter((r) => !listed.has(r.key) && (r.activities.length === 0 || r.activities.includes(activity.key)));
      const rule = activity.retention ? retention.get(activity.retention) : undefined;
      const specialUsed = activity.dataCategories.filter((key) => special.some((s) => key === s || key.startsWith(`${s}.`) || s.startsWith(`${key}.`)));
      const assumed = [
        ...(activity.assumed ? [`activity: ${activity.assumed}`] : []),
        ...(rule?.assumed ? [`retention ${rule.key}: ${rule.assumed}`] : []),
        ...processors.flatMap((p) => (p.assumed ? [`${p.name}: ${p.assumed}`] : [])),
        ...others.flatMap((r) => (r.assumed ? [`${r.name}: ${r.assumed}`] : [])),
      ];
      return {
        key: activity.key,
        activity: activity.name,
        purpose: purpose(activity.purpose),
        legalBasis: activity.legalBasis,
        legitimateInterest: activity.legitimateInterest ?? null,
        legalObligation: activity.legalObligation ? { law: activity.legalObligation.law, jurisdiction: activity.legalObligation.jurisdiction ?? null } : null,
        dataSubjects: activity.subjectTypes.map(subject),
        dataCategories: activity.dataCategories.map(category),
        specialCategories: specialUsed.length > 0 ? { categories: specialUsed.map(category), condition: activity.specialCategoryCondition ?? null } : null,
        children: activity.children,
        dpiaCriteria: dpiaCriteriaOf(activity, specialUsed.length > 0),
        dpiaRequired: dpiaRequiredBy(activity, specialUsed.length > 0),
        dpia: activity.dpia ?? null,
        recipients: [
          ...RECIPIENT_HEADINGS.flatMap(({ heading, holds }) => {
            const held = processors.filter(holds);
            return held.length > 0 ? [{ category: heading, recipients: held.map(recipientText) }] : [];
          }),
          ...others.map((r) => ({ category: r.name, recipients: [r.condition] })),
        ],
        transfers: processors.flatMap((p) =>
          transferLocations(p.headquarters, p.locations).flatMap((l) => {
            const safeguard = safeguardUnder(l, regime);
            const judgment = judgeTransfer({
              ...hopParties(p.engagedBy ? (roleOf.get(p.engagedBy) ?? RecipientRole.PROCESSOR) : null, p.role),
              regime,
              destination: standing(l.country),
              mechanism: safeguard?.mechanism,
              reference: safeguard?.reference,
              dpf: safeguard?.dpf,
              today: options.today,
              dpfGraceDays: options.dpfGraceDays,
              tia: options.records?.tia(p.key, l.country, regime),
            });
            if (!judgment.thirdCountry) return [];
            const certified = safeguard?.dpf;
            const dpf = certified?.certification ? `DPF ${certified.certification}${certified.reviewDue ? `, review due ${certified.reviewDue}` : ''}` : null;
            const from = upcoming.locations.get(`${p.key}|${l.country}`) ?? upcoming.processors.get(p.key);
            return [{
              ...(from ? { effectiveFrom: from } : {}),
              country: l.country,
              processor: p.name,
              mechanism: judgment.mechanism,
              reference: [safeguard?.reference, dpf].filter(Boolean).join('; ') || null,
              safeguarded: judgment.safeguarded,
              atHeadquarters: l.atHeadquarters,
            }];
          }),
        ),
        retention: rule ? retentionText(rule) : activity.retention ?? null,
        securityMeasures: activity.securityMeasures.map(measure),
        sources: [...new Set([activity.source, rule?.source].filter((s): s is string => Boolean(s)))],
        assumed,
      };
    }),
  };
}

type ManifestRecipient = Manifest['processors'][number];

/** The record's recipient headings (Art. 30(1)(d)), by the recipient's role and place in a chain. */
const RECIPIENT_HEADINGS: { heading: string; holds: (p: ManifestRecipient) => boolean }[] = [
  { heading: 'Processors', holds: (p) => !p.engagedBy && p.role === RecipientRole.PROCESSOR },
  { heading: 'Sub-processors', holds: (p) => Boolean(p.engagedBy) },
  { heading: 'Independent controllers', holds: (p) => !p.engagedBy && p.role === RecipientRole.INDEPENDENT_CONTROLLER },
  { heading: 'Joint controllers', holds: (p) => !p.engagedBy && p.role === RecipientRole.JOINT_CONTROLLER },
];

const representativeOf = (representative: { name: string; contact?: string | null } | null | undefined) =>
  representative ? { name: representative.name, contact: representative.contact ?? null } : null;

function transferText(t: RopaTransfer): string {
  const safeguard = t.mechanism ? `${t.mechanism}${t.reference ? ` (${t.reference})` : ''}` : 'NO SAFEGUARD RECORDED';
  const where = t.atHeadquarters ? ' at its headquarters (no location recorded)' : '';
  const from = t.effectiveFrom ? ` (from ${t.effectiveFrom}, not yet current)` : '';
  return `${t.country}: ${t.processor}${where}, ${safeguard}${t.safeguarded || !t.mechanism ? '' : ' (NOT A VALID SAFEGUARD)'}${from}`;
}

function specialText(r: RopaRow): string {
  if (!r.specialCategories) return 'none';
  return `${r.specialCategories.categories.join('; ')}: ${r.specialCategories.condition ?? `Art. 9(2) condition ${NOT_RECORDED}`}`;
}

function dpiaText(r: RopaRow): string {
  if (r.dpiaCriteria.length === 0) return 'none';
  const cases = r.dpiaRequired.map((required) => required.split(':')[0]).join(', ');
  const needed = cases ? `; DPIA required (${cases})` : r.dpiaCriteria.length >= DPIA_THRESHOLD ? '; DPIA indicated' : '';
  return `${r.dpiaCriteria.join(', ')}${needed ? `${needed}: ${r.dpia ?? NOT_RECORDED}` : ''}`;
}

function legalBasisText(r: RopaRow): string {
  if (r.legitimateInterest) return `${r.legalBasis}: ${r.legitimateInterest}`;
  if (r.legalObligation) return `${r.legalBasis}: ${r.legalObligation.law}${r.legalObligation.jurisdiction ? ` (${r.legalObligation.jurisdiction})` : ''}`;
  return r.legalBasis;
}

const COLUMNS: [string, (row: RopaRow) => string][] = [
  ['Activity', (r) => r.activity],
  ['Purpose', (r) => r.purpose],
  ['Legal basis', legalBasisText],
  ['Categories of data subjects', (r) => r.dataSubjects.join('; ')],
  ['Categories of personal data', (r) => r.dataCategories.join('; ')],
  ['Special categories (Art. 9) and condition', specialText],
  ["Children's data", (r) => (r.children ? 'yes' : 'no')],
  ['DPIA criteria (WP248)', dpiaText],
  ['Recipients', (r) => r.recipients.map((g) => `${g.category}: ${g.recipients.join(', ')}`).join('; ')],
  ['Third-country transfers and safeguards', (r) => r.transfers.map(transferText).join('; ')],
  ['Retention', (r) => r.retention ?? NOT_RECORDED],
  ['Security measures', (r) => r.securityMeasures.join('; ')],
  ['Source in the privacy policy', (r) => r.sources.join('; ')],
  ['ASSUMED (not stated by the policy)', (r) => r.assumed.join('; ')],
];

function headerLines(ropa: Ropa): [string, string][] {
  const c = ropa.controller;
  const r = ropa.representative;
  const d = ropa.dataProtectionContact;
  return [
    ['Controller', c ? `${c.legalName}, ${c.address}, ${c.email}${c.phone ? `, ${c.phone}` : ''}` : NOT_RECORDED],
    [RECORD_OF[ropa.regime].representative, r ? `${r.name}${r.contact ? `, ${r.contact}` : ''}` : NOT_RECORDED],
    [d?.label ?? 'Data protection officer', d ? `${d.name}, ${d.email}` : NOT_RECORDED],
  ];
}

/**
 * The table alone, one header row and one row per activity, so a spreadsheet or `pandas.read_csv` reads it as it
 * comes; the controller, its representative and its DPO are in the Markdown and JSON forms. RFC 4180 with
 * formula-like cells neutralised (see toSafeCsv): the API's /ropa.csv and the CLI's alike.
 */
function toCsv(ropa: Ropa): string {
  return toSafeCsv([COLUMNS.map(([title]) => title), ...ropa.activities.map((row) => COLUMNS.map(([, cell]) => cell(row)))]);
}

function toMarkdown(ropa: Ropa): string {
  return [
    `# ${ropa.title}`,
    '',
    ...headerLines(ropa).map(([label, value]) => `- **${label}:** ${markdownCell(value)}`),
    '',
    `| ${COLUMNS.map(([title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...ropa.activities.map((row) => `| ${COLUMNS.map(([, cell]) => markdownCell(cell(row))).join(' | ')} |`),
    '',
  ].join('\n');
}

export function renderRopa(ropa: Ropa, format: RopaFormat): string {
  if (format === 'csv') return toCsv(ropa);
  if (format === 'md') return toMarkdown(ropa);
  return `${JSON.stringify(ropa, null, 2)}\n`;
}
