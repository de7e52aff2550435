import { parse } from 'csv-parse/sync';
import { AdequacyScope } from '../country/country.entity';
import { manifestSchema } from '../manifest/manifest.schema';
import { buildRopa, renderRopa } from './ropa';

const map = manifestSchema.parse({
  apiVersion: 'datamap/v1',
  organization: {
    key: 'acme', name: 'Acme', legalName: 'Acme GmbH, "Lernen"', email: 'privacy@acme.example', address: 'Straße 1\nBerlin',
    country: 'DE', dpo: { name: 'Zoë Müller', email: 'dpo@acme.example' }, rightsResponseDays: 30, breachNotificationHours: 72,
    policyUpdatedOn: '2025-01-01',
  },
  purposes: [{ key: 'billing', name: 'Billing | invoicing' }],
  dataSubjectTypes: [{ key: 'customer', name: 'Customer' }],
  dataCategories: [{ key: 'financial', name: 'Financial, "card" data' }],
  securityMeasures: [{ key: 'tls', name: 'TLS' }],
  retentionRules: [{ key: 'tax', name: 'Tax', duration: 'P10Y', startsAt: 'TRANSACTION', reason: 'HGB §257' }],
  activities: [
    { key: 'billing', name: 'Billing', purpose: 'billing', legalBasis: 'CONTRACT', retention: 'tax',
      dataCategories: ['financial'], subjectTypes: ['customer'], securityMeasures: ['tls'] },
  ],
  processors: [
    { key: 'payco', name: 'PayCo', service: 'Payments', headquarters: 'IN', status: 'ACTIVE', activities: ['billing'],
      locations: [{ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }, { country: 'DE' }] },
    { key: 'later', name: 'Later Ltd', service: 'Payments', headquarters: 'IN', status: 'PROPOSED', activities: ['billing'] },
  ],
});
const countries = new Map([
  ['IN', { code: 'IN', inEEA: false, adequacy: AdequacyScope.NONE }],
  ['DE', { code: 'DE', inEEA: true, adequacy: AdequacyScope.NONE }],
]);
const ropa = buildRopa(map, countries);

describe('the record of processing', () => {
  it('has a row per activity with ACTIVE recipients only, and third-country transfers with their safeguards', () => {
    expect(ropa.activities).toEqual([
      {
        key: 'billing',
        activity: 'Billing',
        purpose: 'Billing | invoicing',
        legalBasis: 'CONTRACT',
        legitimateInterest: null,
        dataSubjects: ['Customer'],
        dataCategories: ['Financial, "card" data'],
        recipients: ['PayCo (Payments)'],
        transfers: [{ country: 'IN', processor: 'PayCo', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }],
        retention: 'P10Y from TRANSACTION',
        securityMeasures: ['TLS'],
      },
    ]);
  });

  it('writes CSV that a CSV parser reads back cell for cell: RFC 4180 quoting, CRLF, UTF-8 with a byte-order mark', () => {
    const csv = renderRopa(ropa, 'csv');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n');
    const rows: string[][] = parse(csv, { bom: true, relax_column_count: true });
    expect(rows.slice(0, 4)).toEqual([
      ['Record of processing activities (GDPR Art. 30(1))'],
      ['Controller', 'Acme GmbH, "Lernen", Straße 1\nBerlin, privacy@acme.example'],
      ['Data protection officer', 'Zoë Müller, dpo@acme.example'],
      [''],
    ]);
    expect(rows[5]).toEqual([
      'Billing', 'Billing | invoicing', 'CONTRACT', 'Customer', 'Financial, "card" data', 'PayCo (Payments)',
      'IN: PayCo, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2)', 'P10Y from TRANSACTION', 'TLS',
    ]);
    expect(rows).toHaveLength(6);
  });

  it('writes Markdown with the header and a table whose cells escape pipes and line breaks', () => {
    const md = renderRopa(ropa, 'md');
    expect(md).toContain('- **Controller:** Acme GmbH, "Lernen", Straße 1<br>Berlin, privacy@acme.example');
    expect(md).toContain('- **Data protection officer:** Zoë Müller, dpo@acme.example');
    expect(md.split('\n').filter((line) => line.startsWith('| Billing |'))).toEqual([
      '| Billing | Billing \\| invoicing | CONTRACT | Customer | Financial, "card" data | PayCo (Payments) | ' +
        'IN: PayCo, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2) | P10Y from TRANSACTION | TLS |',
    ]);
  });

  it('writes JSON that parses back to the record', () => {
    expect(JSON.parse(renderRopa(ropa, 'json'))).toEqual(ropa);
  });
});
