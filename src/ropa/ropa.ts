import { markdownCell, toSafeCsv } from '../common/export-text';
import type { Manifest } from '../manifest/manifest.schema';
import { ProcessorStatus } from '../processor/processor.entity';
import type { CountryStanding } from '../processor/transfer-rules';

export interface RopaTransfer {
  /** ISO 3166-1 alpha-2 code of the third country. */
  country: string;
  processor: string;
  /** The safeguard: a transfer mechanism, or null when none is recorded. */
  mechanism: string | null;
  reference: string | null;
}

export interface RopaRow {
  key: string;
  activity: string;
  purpose: string;
  legalBasis: string;
  legitimateInterest: string | null;
  dataSubjects: string[];
  dataCategories: string[];
  recipients: string[];
  transfers: RopaTransfer[];
  retention: string | null;
  securityMeasures: string[];
}

/** The record of processing activities of GDPR Art. 30(1): the controller, its DPO, and one row per activity. */
export interface Ropa {
  title: string;
  controller: { name: string; legalName: string; address: string; email: string; phone: string | null } | null;
  dpo: { name: string; email: string } | null;
  activities: RopaRow[];
}

export type RopaFormat = 'csv' | 'md' | 'json';
export const ROPA_FORMATS: readonly RopaFormat[] = ['csv', 'md', 'json'];

const TITLE = 'Record of processing activities (GDPR Art. 30(1))';

/**
 * Builds the record from the map (a manifest: an export of the database). Only ACTIVE processors are recipients:
 * proposed ones receive nothing yet, rejected and retired ones nothing any more.
 */
export function buildRopa(map: Manifest, countries: ReadonlyMap<string, CountryStanding>): Ropa {
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
  const organization = map.organization;

  return {
    title: TITLE,
    controller: organization
      ? { name: organization.name, legalName: organization.legalName, address: organization.address, email: organization.email, phone: organization.phone ?? null }
      : null,
    dpo: organization ? { name: organization.dpo.name, email: organization.dpo.email } : null,
    activities: map.activities.map((activity) => {
      const recipients = active.filter((p) => p.activities.includes(activity.key));
      const rule = activity.retention ? retention.get(activity.retention) : undefined;
      return {
        key: activity.key,
        activity: activity.name,
        purpose: purpose(activity.purpose),
        legalBasis: activity.legalBasis,
        legitimateInterest: activity.legitimateInterest ?? null,
        dataSubjects: activity.subjectTypes.map(subject),
        dataCategories: activity.dataCategories.map(category),
        recipients: recipients.map((p) => `${p.name} (${p.service})`),
        transfers: recipients.flatMap((p) =>
          p.locations
            .filter((l) => !(countries.get(l.country)?.inEEA ?? false))
            .map((l) => ({ country: l.country, processor: p.name, mechanism: l.mechanism ?? null, reference: l.reference ?? null })),
        ),
        retention: rule ? (rule.description ?? `${rule.duration ?? 'until'} from ${rule.startsAt}`) : activity.retention ?? null,
        securityMeasures: activity.securityMeasures.map(measure),
      };
    }),
  };
}

function transferText(t: RopaTransfer): string {
  const safeguard = t.mechanism ? `${t.mechanism}${t.reference ? ` (${t.reference})` : ''}` : 'NO SAFEGUARD RECORDED';
  return `${t.country}: ${t.processor}, ${safeguard}`;
}

const COLUMNS: [string, (row: RopaRow) => string][] = [
  ['Activity', (r) => r.activity],
  ['Purpose', (r) => r.purpose],
  ['Legal basis', (r) => (r.legitimateInterest ? `${r.legalBasis}: ${r.legitimateInterest}` : r.legalBasis)],
  ['Categories of data subjects', (r) => r.dataSubjects.join('; ')],
  ['Categories of personal data', (r) => r.dataCategories.join('; ')],
  ['Recipients', (r) => r.recipients.join('; ')],
  ['Third-country transfers and safeguards', (r) => r.transfers.map(transferText).join('; ')],
  ['Retention', (r) => r.retention ?? 'NOT RECORDED'],
  ['Security measures', (r) => r.securityMeasures.join('; ')],
];

function headerLines(ropa: Ropa): [string, string][] {
  const c = ropa.controller;
  const d = ropa.dpo;
  return [
    ['Controller', c ? `${c.legalName}, ${c.address}, ${c.email}${c.phone ? `, ${c.phone}` : ''}` : 'NOT RECORDED'],
    ['Data protection officer', d ? `${d.name}, ${d.email}` : 'NOT RECORDED'],
  ];
}

/** RFC 4180 with formula-like cells neutralised (see toSafeCsv): the API's /ropa.csv and the CLI's alike. */
function toCsv(ropa: Ropa): string {
  const rows = [
    [ropa.title],
    ...headerLines(ropa),
    [],
    COLUMNS.map(([title]) => title),
    ...ropa.activities.map((row) => COLUMNS.map(([, cell]) => cell(row))),
  ];
  return toSafeCsv(rows);
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
