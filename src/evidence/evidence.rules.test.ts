import { ProcessorStatus } from '../processor/processor.entity';
import { categoryInMap, categoryOfDataType, declaredFor } from './data-types';
import { evidenceFindings, evidenceStatusOf, judgeEvidence, type EvidenceRecord, type MapView, type RepositoryEvidence } from './evidence.rules';
import { referenceVendors, VendorCatalogue } from './vendor-catalogue';

const catalogue = new VendorCatalogue(referenceVendors());

const record = (vendor: string, extra: Partial<EvidenceRecord> = {}): EvidenceRecord => ({
  vendor,
  vendorName: vendor,
  processorKey: vendor,
  matchedBy: 'package',
  ecosystem: 'npm',
  package: vendor,
  host: null,
  dataTypes: [],
  file: 'package.json',
  line: 3,
  tool: 'npm',
  toolVersion: null,
  ...extra,
});

const map = (processors: [string, ProcessorStatus, string[]][]): MapView => ({
  processors: new Map(processors.map(([key, status, dataCategories]) => [key, { key, name: key, status, dataCategories }])),
  categories: new Set(['identity', 'identity.name', 'contact', 'contact.email', 'contact.phone', 'financial', 'technical', 'technical.ip-address']),
});

const judge = (evidence: RepositoryEvidence[], view: MapView) => judgeEvidence(evidence, view, () => catalogue);

describe('how a vendor the code calls stands in the registry', () => {
  it.each([
    [ProcessorStatus.ACTIVE, 'DECLARED'],
    [ProcessorStatus.PROPOSED, 'PENDING_REVIEW'],
    [ProcessorStatus.REJECTED, 'UNDECLARED'],
    [ProcessorStatus.RETIRED, 'UNDECLARED'],
  ])('a %s processor: %s', (status, expected) => {
    expect(evidenceStatusOf({ key: 'x', name: 'x', status, dataCategories: [] })).toBe(expected);
  });

  it('no processor: UNDECLARED', () => {
    expect(evidenceStatusOf(null)).toBe('UNDECLARED');
  });

  it("maps a vendor to the processor the catalogue names, and keeps every repository's items", () => {
    const judged = judge(
      [
        { repository: 'web', commit: 'c1', items: [record('stripe'), record('twilio')] },
        { repository: 'api', commit: null, items: [record('stripe', { ecosystem: 'pypi', file: 'requirements.txt' })] },
      ],
      map([['stripe', ProcessorStatus.ACTIVE, ['financial']]]),
    );
    expect(judged.map((j) => [j.vendor, j.name, j.processorKey, j.status, j.repositories, j.items.map((i) => `${i.repository}:${i.file}`)])).toEqual([
      ['stripe', 'Stripe', 'stripe', 'DECLARED', ['api', 'web'], ['api:requirements.txt', 'web:package.json']],
      ['twilio', 'Twilio', 'twilio', 'UNDECLARED', ['web'], ['web:package.json']],
    ]);
  });
});

describe('the data types the code sends, against the categories the processor is declared for', () => {
  it.each([
    ['Email Address', 'bearer', 'contact.email'],
    ['email address', undefined, 'contact.email'],
    ['Data.Sensitive.ContactData.EmailAddress', 'privado', 'contact.email'],
    ['Data.Sensitive.FinancialData.CardNumber', 'privado', 'financial'],
    ['Data.Sensitive.HealthData.BloodGroup', 'privado', 'health'],
    ['contact.phone', undefined, 'contact.phone'],
    ['Shoe Size', 'bearer', null],
    ['Unknown', 'bearer', undefined],
  ])('%s (%s) -> %s', (type, tool, expected) => {
    expect(categoryOfDataType(type, tool)).toBe(expected);
  });

  it('takes the nearest category the map has, and keeps a category it lacks', () => {
    const categories = new Set(['contact', 'identity']);
    expect(categoryInMap('contact.email', categories)).toEqual({ key: 'contact', inMap: true });
    expect(categoryInMap('health', categories)).toEqual({ key: 'health', inMap: false });
  });

  it('a parent category covers its children, not the reverse', () => {
    expect(declaredFor(['contact'], 'contact.email')).toBe(true);
    expect(declaredFor(['contact.email'], 'contact')).toBe(false);
    expect(declaredFor(['contact.email'], 'contact.emails')).toBe(false);
  });

  it('judges each type once per tool, and a mapped type its processor is not declared for is an undeclared-category WARNING', () => {
    const view = map([['stripe', ProcessorStatus.ACTIVE, ['contact.email', 'financial']]]);
    const judged = judge(
      [
        {
          repository: 'web',
          commit: null,
          items: [
            record('stripe', { tool: 'bearer', package: null, matchedBy: 'name', dataTypes: ['Email Address', 'Telephone Number', 'Unknown'] }),
            record('stripe', { tool: 'bearer', package: null, matchedBy: 'name', dataTypes: ['Email Address', 'Blood Type', 'Shoe Size'] }),
          ],
        },
      ],
      view,
    );
    expect(judged[0].dataTypes.map((t) => [t.dataType, t.categoryKey, t.inMap, t.declared])).toEqual([
      ['Email Address', 'contact.email', true, true],
      ['Telephone Number', 'contact.phone', true, false],
      ['Blood Type', 'health', false, false],
      ['Shoe Size', null, false, null],
    ]);
    expect(evidenceFindings(judged, view, []).map((f) => [f.severity, f.rule, f.entities.map((e) => e.key)])).toEqual([
      ['WARNING', 'undeclared-category', ['stripe', 'contact.phone', 'stripe']],
      ['WARNING', 'undeclared-category', ['stripe', 'health', 'stripe']],
    ]);
  });
});

describe('the evidence findings', () => {
  it('an undeclared recipient is an ERROR naming where the code calls it; a PROPOSED one asks for approval', () => {
    const view = map([['intercom', ProcessorStatus.PROPOSED, ['contact']]]);
    const judged = judge([{ repository: 'web', commit: null, items: [record('intercom'), record('intercom', { file: 'yarn.lock' }), record('twilio')] }], view);
    const findings = evidenceFindings(judged, view, []);
    expect(findings.map((f) => [f.severity, f.rule, f.entities])).toEqual([
      ['ERROR', 'undeclared-recipient', [{ type: 'Vendor', key: 'intercom' }, { type: 'Processor', key: 'intercom' }]],
      ['ERROR', 'undeclared-recipient', [{ type: 'Vendor', key: 'twilio' }]],
    ]);
    expect(findings[0].message).toBe(
      'the code calls Intercom (npm package intercom in web (package.json:3) and 1 more), but processor "intercom" is PROPOSED and ' +
        'receives no data until a privacy officer approves it: the map does not declare this recipient (GDPR Art. 28(2), Art. 30(1)(d))',
    );
    expect(findings[0].fix).toBe('a PRIVACY_OFFICER approves intercom (approveProcessor) before this code ships, or the dependency is removed');
  });

  it('an ACTIVE processor no evidence shows is INFO, but only once some repository has sent evidence', () => {
    const view = map([
      ['stripe', ProcessorStatus.ACTIVE, []],
      ['zendesk', ProcessorStatus.ACTIVE, []],
      ['paypal', ProcessorStatus.RETIRED, []],
    ]);
    const judged = judge([{ repository: 'web', commit: null, items: [record('stripe')] }], view);
    expect(evidenceFindings(judged, view, ['web']).map((f) => [f.severity, f.rule, f.entities[0].key, f.message])).toEqual([
      ['INFO', 'unobserved-processor', 'zendesk', 'zendesk is ACTIVE, but the evidence of no repository (web) shows code calling it'],
    ]);
    expect(evidenceFindings([], view, [])).toEqual([]);
  });

  it('a sub-processor no evidence shows is not unobserved: its engager sends it the data, not the code', () => {
    const view = map([['intercom', ProcessorStatus.ACTIVE, []], ['intercom-aws', ProcessorStatus.ACTIVE, []]]);
    view.processors.get('intercom-aws')!.engagedBy = 'intercom';
    const judged = judge([{ repository: 'web', commit: null, items: [record('stripe')] }], view);
    expect(evidenceFindings(judged, view, ['web']).filter((f) => f.rule === 'unobserved-processor').map((f) => f.entities[0].key)).toEqual(['intercom']);
  });
});
