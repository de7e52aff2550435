import { parse } from 'csv-parse/sync';
import { AdequacyScope } from '../country/country.entity';
import { manifestSchema } from '../manifest/manifest.schema';
import { buildRopa, EmptyMap, periodText, renderRopa, retentionText } from './ropa';

const map = manifestSchema.parse({
  apiVersion: 'datamap/v1',
  organization: {
    key: 'acme', name: 'Acme', legalName: 'Acme GmbH, "Lernen"', email: 'privacy@acme.example', address: 'Straße 1\nBerlin',
    country: 'DE', dpo: { name: 'Zoë Müller', email: 'dpo@acme.example' }, rightsResponseDays: 30, breachNotificationHours: 72,
    policyUpdatedOn: '2025-01-01',
  },
  purposes: [{ key: 'billing', name: 'Billing | invoicing' }],
  dataSubjectTypes: [{ key: 'customer', name: 'Customer' }],
  dataCategories: [{ key: 'financial', name: 'Financial, "card" data' }, { key: 'health', name: 'Health', specialCategory: true }],
  securityMeasures: [{ key: 'tls', name: 'TLS' }],
  retentionRules: [{ key: 'tax', name: 'Tax', duration: 'P10Y', startsAt: 'TRANSACTION', reason: 'HGB §257', assumed: 'period from HGB' }],
  activities: [
    { key: 'billing', name: 'Billing', purpose: 'billing', legalBasis: 'CONTRACT', retention: 'tax', source: 'Payments',
      dataCategories: ['financial', 'health'], subjectTypes: ['customer'], securityMeasures: ['tls'],
      specialCategoryCondition: 'Art. 9(2)(h) health care', children: true, dpiaCriteria: ['LARGE_SCALE'] },
  ],
  processors: [
    { key: 'payco', name: 'PayCo', service: 'Payments', headquarters: 'IN', status: 'ACTIVE', activities: ['billing'],
      locations: [{ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }, { country: 'DE' }] },
    { key: 'bare', name: 'Bare Ltd', service: 'Storage', headquarters: 'IN', status: 'ACTIVE', activities: ['billing'], assumed: 'HQ only' },
    { key: 'later', name: 'Later Ltd', service: 'Payments', headquarters: 'IN', status: 'PROPOSED', activities: ['billing'] },
  ],
  recipientCategories: [
    { key: 'authorities', name: 'Public authorities', condition: 'where the law requires disclosure', activities: [] },
    { key: 'ads', name: 'Ad partners', condition: 'with consent', activities: ['other'] },
  ],
});
const countries = new Map([
  ['IN', { code: 'IN', name: 'India', inEEA: false, adequacy: AdequacyScope.NONE }],
  ['DE', { code: 'DE', inEEA: true, adequacy: AdequacyScope.NONE }],
]);
const ropa = buildRopa(map, countries);

const ROW = [
  'Billing', 'Billing | invoicing', 'CONTRACT', 'Customer', 'Financial, "card" data; Health', 'Health: Art. 9(2)(h) health care', 'yes',
  'VULNERABLE_SUBJECTS, LARGE_SCALE; DPIA indicated: NOT RECORDED',
  'Processors: PayCo (Payments), Bare Ltd (Storage); Public authorities: where the law requires disclosure',
  'IN: PayCo, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2); IN: Bare Ltd at its headquarters (no location recorded), NO SAFEGUARD RECORDED',
  '10 years after transaction', 'TLS', 'Payments', 'retention tax: period from HGB; Bare Ltd: HQ only',
];

describe('the record of processing', () => {
  it('has a row per activity: recipients by category, transfers judged (a processor without locations at its headquarters), flags and assumptions', () => {
    expect(ropa.representative).toBeNull();
    expect(ropa.dataProtectionContact).toEqual({ label: 'Data protection officer', name: 'Zoë Müller', email: 'dpo@acme.example' });
    expect(ropa.activities).toEqual([
      {
        key: 'billing',
        activity: 'Billing',
        purpose: 'Billing | invoicing',
        legalBasis: 'CONTRACT',
        legitimateInterest: null,
        dataSubjects: ['Customer'],
        dataCategories: ['Financial, "card" data', 'Health'],
        specialCategories: { categories: ['Health'], condition: 'Art. 9(2)(h) health care' },
        children: true,
        dpiaCriteria: ['VULNERABLE_SUBJECTS', 'LARGE_SCALE'],
        dpia: null,
        recipients: [
          { category: 'Processors', recipients: ['PayCo (Payments)', 'Bare Ltd (Storage)'] },
          { category: 'Public authorities', recipients: ['where the law requires disclosure'] },
        ],
        transfers: [
          { country: 'IN', processor: 'PayCo', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2', safeguarded: true, atHeadquarters: false },
          { country: 'IN', processor: 'Bare Ltd', mechanism: null, reference: null, safeguarded: false, atHeadquarters: true },
        ],
        retention: '10 years after transaction',
        securityMeasures: ['TLS'],
        sources: ['Payments'],
        assumed: ['retention tax: period from HGB', 'Bare Ltd: HQ only'],
      },
    ]);
  });

  it('labels a privacy contact who is not a designated DPO as such, and names the representative', () => {
    const us = manifestSchema.parse({
      apiVersion: 'datamap/v1',
      organization: { ...map.organization, country: 'US', dpo: { name: 'Privacy Officer', email: 'p@acme.example', designated: false },
        representative: { name: 'Rep GmbH', contact: 'rep@example.eu' } },
    });
    const record = buildRopa(us, countries);
    expect(record.dataProtectionContact!.label).toBe('Privacy contact (not a data protection officer designated under Art. 37)');
    expect(renderRopa(record, 'md').split('\n').slice(2, 5)).toEqual([
      '- **Controller:** Acme GmbH, "Lernen", Straße 1<br>Berlin, privacy@acme.example',
      '- **Representative in the Union (Art. 27):** Rep GmbH, rep@example.eu',
      '- **Privacy contact (not a data protection officer designated under Art. 37):** Privacy Officer, p@acme.example',
    ]);
  });

  it('refuses a map with neither a controller nor activities', () => {
    expect(() => buildRopa(manifestSchema.parse({ apiVersion: 'datamap/v1' }), countries)).toThrow(EmptyMap);
  });

  it('writes the table alone as CSV, which a CSV parser reads back cell for cell: RFC 4180 quoting, CRLF, UTF-8 with a byte-order mark', () => {
    const csv = renderRopa(ropa, 'csv');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n');
    // Every row has the table's 14 columns: a spreadsheet or pandas.read_csv needs no rows skipped.
    const rows: string[][] = parse(csv, { bom: true });
    expect(rows[0]).toEqual([
      'Activity', 'Purpose', 'Legal basis', 'Categories of data subjects', 'Categories of personal data',
      'Special categories (Art. 9) and condition', "Children's data", 'DPIA criteria (WP248)', 'Recipients',
      'Third-country transfers and safeguards', 'Retention', 'Security measures', 'Source in the privacy policy',
      'ASSUMED (not stated by the policy)',
    ]);
    expect(rows[1]).toEqual(ROW);
    expect(rows).toHaveLength(2);
    // The controller is in the Markdown and JSON forms.
    expect(csv).not.toContain('Acme GmbH');
  });

  it('writes Markdown with the header and a table whose cells escape pipes and line breaks', () => {
    const md = renderRopa(ropa, 'md');
    expect(md).toContain('- **Controller:** Acme GmbH, "Lernen", Straße 1<br>Berlin, privacy@acme.example');
    expect(md).toContain('- **Data protection officer:** Zoë Müller, dpo@acme.example');
    expect(md.split('\n').filter((line) => line.startsWith('| Billing |'))).toEqual([`| ${ROW.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`]);
  });

  it('writes JSON that parses back to the record', () => {
    expect(JSON.parse(renderRopa(ropa, 'json'))).toEqual(ropa);
  });
});

describe('retention in words', () => {
  it.each([
    [{ description: 'Kept 3 years.', duration: 'P3Y', startsAt: 'COLLECTION' }, 'Kept 3 years.'],
    [{ duration: 'P3Y', startsAt: 'ACCOUNT_CLOSURE' }, '3 years after account closure'],
    [{ duration: 'P2Y', startsAt: 'LAST_ACTIVITY', until: 'UNSUBSCRIBE' }, '2 years after last activity, or until unsubscribe'],
    [{ startsAt: 'COLLECTION', until: 'UNSUBSCRIBE' }, 'until unsubscribe'],
    [{ startsAt: 'COLLECTION' }, 'from collection, with no period recorded'],
    [{ duration: 'P1Y6M', startsAt: 'SESSION_END' }, '1 year 6 months after session end'],
  ])('describes %p as %p, never "until from"', (rule, text) => {
    expect(retentionText(rule)).toBe(text);
    expect(retentionText(rule)).not.toContain('until from');
  });

  it('keeps a period it cannot read as written', () => {
    expect(periodText('PT5M')).toBe('PT5M');
  });
});
