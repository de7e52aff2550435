import { AdequacyScope } from '../country/country.entity';
import { manifestSchema } from '../manifest/manifest.schema';
import type { CountryStanding } from '../processor/transfer-rules';
import { lintMap, type RuleId } from './findings.rules';

const countries = new Map<string, CountryStanding>([
  ['DE', { code: 'DE', name: 'Germany', inEEA: true, adequacy: AdequacyScope.NONE }],
  ['US', { code: 'US', name: 'United States', inEEA: false, adequacy: AdequacyScope.PARTIAL, adequacyNote: 'DPF-certified organisations' }],
  ['IN', { code: 'IN', name: 'India', inEEA: false, adequacy: AdequacyScope.NONE }],
]);

/** A small map with no findings; each test breaks one thing. */
function cleanMap() {
  return {
    apiVersion: 'datamap/v1',
    collectionPoints: [{ key: 'signup', name: 'Signup', categories: ['contact'] }],
    activities: [
      { key: 'newsletter', name: 'Newsletter', purpose: 'marketing', legalBasis: 'CONSENT', requiredConsent: 'email',
        retention: 'until-unsubscribe', dataCategories: ['contact.email'] },
    ],
    processors: [
      { key: 'mailer', name: 'Mailer', service: 'Email', headquarters: 'US', status: 'ACTIVE', dpaReference: 'DPA 2024',
        dataCategories: ['contact'], activities: ['newsletter'],
        locations: [{ country: 'US', mechanism: 'ADEQUACY_DECISION', reference: 'EU-US Data Privacy Framework' }, { country: 'DE' }] },
    ],
  };
}
type Map = ReturnType<typeof cleanMap>;

const lint = (map: Map) => lintMap(manifestSchema.parse(map), countries);
const rulesOf = (map: Map) => lint(map).map((f) => f.rule as RuleId);

function broken(change: (map: Map) => void): Map {
  const map = cleanMap();
  change(map);
  return map;
}

describe('lintMap', () => {
  it('finds nothing in a clean map', () => {
    expect(lint(cleanMap())).toEqual([]);
  });

  describe('transfer-without-safeguard', () => {
    it('fires for a location in a country without adequacy and without a mechanism, as an ERROR naming processor and country', () => {
      const map = broken((m) => m.processors[0].locations.push({ country: 'IN' }));
      expect(lint(map)).toEqual([
        {
          severity: 'ERROR',
          rule: 'transfer-without-safeguard',
          message: expect.stringMatching(/^mailer processes data in IN without a valid transfer mechanism: a mechanism is required for IN \(India\)/),
          entities: [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'IN' }],
          fix: expect.stringContaining('STANDARD_CONTRACTUAL_CLAUSES'),
        },
      ]);
    });

    it('does not fire for India under standard contractual clauses', () => {
      const map = broken((m) => m.processors[0].locations.push({ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC' } as never));
      expect(rulesOf(map)).toEqual([]);
    });

    it('does not fire for a rejected processor, which receives nothing', () => {
      const map = broken((m) => {
        m.processors[0].locations.push({ country: 'IN' });
        m.processors[0].status = 'REJECTED';
      });
      expect(rulesOf(map)).toEqual([]);
    });
  });

  describe('us-adequacy-without-dpf', () => {
    it('fires for a US location on ADEQUACY_DECISION whose reference does not name the DPF, and only this rule', () => {
      const map = broken((m) => (m.processors[0].locations[0].reference = 'adequacy'));
      expect(lint(map).map((f) => [f.severity, f.rule, f.entities])).toEqual([
        ['ERROR', 'us-adequacy-without-dpf', [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }]],
      ]);
    });

    it('does not fire when the reference names the DPF', () => {
      expect(rulesOf(cleanMap())).not.toContain('us-adequacy-without-dpf');
    });
  });

  describe('active-processor-without-dpa', () => {
    it('fires for an ACTIVE processor without a DPA reference', () => {
      const map = broken((m) => (m.processors[0].dpaReference = undefined as never));
      expect(lint(map).map((f) => [f.severity, f.rule, f.message])).toEqual([
        ['ERROR', 'active-processor-without-dpa', 'mailer is ACTIVE without a data processing agreement (GDPR Art. 28(3))'],
      ]);
    });

    it('does not fire for a PROPOSED processor without one (it only awaits review)', () => {
      const map = broken((m) => {
        m.processors[0].dpaReference = undefined as never;
        m.processors[0].status = 'PROPOSED';
      });
      expect(rulesOf(map)).toEqual(['processor-awaiting-review']);
    });
  });

  describe('activity-without-retention', () => {
    it('fires as a WARNING for an activity without a retention rule', () => {
      const map = broken((m) => (m.activities[0].retention = undefined as never));
      expect(lint(map).map((f) => [f.severity, f.rule, f.entities])).toEqual([
        ['WARNING', 'activity-without-retention', [{ type: 'ProcessingActivity', key: 'newsletter' }]],
      ]);
    });

    it('does not fire when the activity has one', () => {
      expect(rulesOf(cleanMap())).not.toContain('activity-without-retention');
    });
  });

  describe('consent-activity-without-consent', () => {
    it('fires for a CONSENT activity without a consent key', () => {
      const map = broken((m) => (m.activities[0].requiredConsent = undefined as never));
      expect(rulesOf(map)).toEqual(['consent-activity-without-consent']);
    });

    it('does not fire for another legal basis without a consent key', () => {
      const map = broken((m) => {
        m.activities[0].requiredConsent = undefined as never;
        m.activities[0].legalBasis = 'CONTRACT';
      });
      expect(rulesOf(map)).toEqual([]);
    });
  });

  describe('collected-category-unused', () => {
    it('fires for a category collected that no activity uses, naming where it is collected', () => {
      const map = broken((m) => m.collectionPoints[0].categories.push('financial'));
      expect(lint(map).map((f) => [f.severity, f.rule, f.entities])).toEqual([
        ['WARNING', 'collected-category-unused', [{ type: 'DataCategory', key: 'financial' }, { type: 'CollectionPoint', key: 'signup' }]],
      ]);
    });

    it('does not fire when an activity uses a narrower category of the one collected', () => {
      expect(rulesOf(cleanMap())).not.toContain('collected-category-unused');
    });
  });

  describe('processor-category-outside-activities', () => {
    it('fires for a category a processor receives that none of its activities uses', () => {
      const map = broken((m) => m.processors[0].dataCategories.push('financial'));
      expect(lint(map).map((f) => [f.rule, f.entities])).toEqual([
        ['processor-category-outside-activities', [{ type: 'Processor', key: 'mailer' }, { type: 'DataCategory', key: 'financial' }]],
      ]);
    });

    it('does not fire when an activity uses a related category', () => {
      expect(rulesOf(cleanMap())).not.toContain('processor-category-outside-activities');
    });
  });

  describe('processor-awaiting-review', () => {
    it('is INFO for a PROPOSED processor', () => {
      const map = broken((m) => (m.processors[0].status = 'PROPOSED'));
      expect(lint(map).map((f) => [f.severity, f.rule])).toEqual([['INFO', 'processor-awaiting-review']]);
    });
  });

  it('orders findings by severity, then rule', () => {
    const map = broken((m) => {
      m.processors[0].status = 'PROPOSED';
      m.activities[0].retention = undefined as never;
      m.activities[0].requiredConsent = undefined as never;
    });
    expect(rulesOf(map)).toEqual(['consent-activity-without-consent', 'activity-without-retention', 'processor-awaiting-review']);
  });
});
