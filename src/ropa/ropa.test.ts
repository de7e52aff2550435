import { parse } from 'csv-parse/sync';
import { AdequacyScope } from '../country/country.entity';
import { Regime } from '../country/regime';
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
  'VULNERABLE_SUBJECTS, LARGE_SCALE, SENSITIVE_DATA; DPIA required (Art. 35(3)(b)): NOT RECORDED',
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
        legalObligation: null,
        dataSubjects: ['Customer'],
        dataCategories: ['Financial, "card" data', 'Health'],
        specialCategories: { categories: ['Health'], condition: 'Art. 9(2)(h) health care' },
        children: true,
        dpiaCriteria: ['VULNERABLE_SUBJECTS', 'LARGE_SCALE', 'SENSITIVE_DATA'],
        dpiaRequired: ['Art. 35(3)(b): special categories of data (Art. 9(1)) processed on a large scale'],
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

describe('the record of processing per regime', () => {
  const regimes = manifestSchema.parse({
    apiVersion: 'datamap/v1',
    organization: {
      ...map.organization, country: 'US', representative: { name: 'EU Rep GmbH' }, ukRepresentative: { name: 'UK Rep Ltd', contact: 'rep@example.co.uk' },
    },
    purposes: map.purposes,
    activities: [
      { key: 'billing', name: 'Billing', purpose: 'billing', legalBasis: 'LEGAL_OBLIGATION', retention: null,
        legalObligation: { law: 'Directive 2006/112/EC, Art. 369k', jurisdiction: 'EU' } },
    ],
    processors: [
      { key: 'payco', name: 'PayCo', service: 'Payments', headquarters: 'US', status: 'ACTIVE', activities: ['billing'],
        locations: [{ country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2',
          safeguards: [{ regime: 'UK_GDPR', mechanism: 'UK_ADDENDUM', reference: 'UK Addendum to SCC 2021/914 module 2' }] }] },
      { key: 'dpfco', name: 'DpfCo', service: 'Payments', headquarters: 'US', status: 'ACTIVE', activities: ['billing'],
        locations: [{ country: 'US', mechanism: 'ADEQUACY_DECISION', dpf: { certification: '5780', reviewDue: '2026-06-30' } }] },
    ],
  });
  const us = new Map([['US', { code: 'US', name: 'United States', inEEA: false, adequacy: AdequacyScope.PARTIAL, regimes: { UK_GDPR: { adequacy: AdequacyScope.PARTIAL } } }]]);
  const transfersOf = (record: ReturnType<typeof buildRopa>) => record.activities[0].transfers.map((t) => [t.processor, t.mechanism, t.safeguarded]);

  it('judges each transfer under the regime, with the safeguard recorded for it, on the day given', () => {
    expect(transfersOf(buildRopa(regimes, us))).toEqual([['PayCo', 'STANDARD_CONTRACTUAL_CLAUSES', true], ['DpfCo', 'ADEQUACY_DECISION', true]]);
    // A certification past its review date is lapsed: the record says so, as flows and findings do.
    expect(transfersOf(buildRopa(regimes, us, { today: '2026-12-02' }))).toEqual([['PayCo', 'STANDARD_CONTRACTUAL_CLAUSES', true], ['DpfCo', 'ADEQUACY_DECISION', false]]);
    expect(transfersOf(buildRopa(regimes, us, { regime: Regime.UK_GDPR }))).toEqual([['PayCo', 'UK_ADDENDUM', true], ['DpfCo', null, false]]);
    expect(transfersOf(buildRopa(regimes, us, { regime: Regime.SWISS_FADP }))).toEqual([['PayCo', null, false], ['DpfCo', null, false]]);
  });

  it('is titled by its law and names the representative there', () => {
    const header = (regime: Regime) => renderRopa(buildRopa(regimes, us, { regime }), 'md').split('\n').filter((line) => /^# |Representative/.test(line));
    expect(header(Regime.EU_GDPR)).toEqual(['# Record of processing activities (GDPR Art. 30(1))', '- **Representative in the Union (Art. 27):** EU Rep GmbH']);
    expect(header(Regime.UK_GDPR)).toEqual([
      '# Record of processing activities (UK GDPR Art. 30(1))',
      '- **Representative in the United Kingdom (UK GDPR Art. 27):** UK Rep Ltd, rep@example.co.uk',
    ]);
    expect(header(Regime.SWISS_FADP)).toEqual(['# Record of processing activities (FADP Art. 12)', '- **Representative in Switzerland (FADP Art. 14):** NOT RECORDED']);
  });

  it('names the law of a legal obligation in the legal basis', () => {
    expect(renderRopa(buildRopa(regimes, us), 'md')).toContain('| Billing | Billing \\| invoicing | LEGAL_OBLIGATION: Directive 2006/112/EC, Art. 369k (EU) |');
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
