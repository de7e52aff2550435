import { AdequacyScope } from '../country/country.entity';
import { Regime } from '../country/regime';
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
        locations: [
          { country: 'US', mechanism: 'ADEQUACY_DECISION', reference: 'EU-US Data Privacy Framework',
            dpf: { certification: 'https://www.dataprivacyframework.gov/participant/1234', reviewDue: '2027-06-30' } },
          { country: 'DE' },
        ] as Record<string, unknown>[] },
    ],
  } as Record<string, any>;
}
type Map = ReturnType<typeof cleanMap>;

const TODAY = '2027-01-15';
const lint = (map: Map) => lintMap(manifestSchema.parse(map), countries, { today: TODAY, servedRegimes: [Regime.EU_GDPR] });
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
      const map = broken((m) => m.processors[0].locations.push({ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }));
      expect(rulesOf(map)).toEqual([]);
    });

    it('fires for SCCs of the wrong module: the controller engages its processors directly (module 2)', () => {
      const map = broken((m) => m.processors[0].locations.push({ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 3' }));
      expect(lint(map).map((f) => [f.rule, f.message])).toEqual([
        [
          'transfer-without-safeguard',
          'mailer processes data in IN without a valid transfer mechanism: "SCC 2021/914 module 3" names module 3 (processor to ' +
            'processor), but the exporter is a controller and the importer a processor, so the clauses must be Decision (EU) ' +
            '2021/914 module 2 (controller to processor); name it, such as "SCC 2021/914 module 2"',
        ],
      ]);
    });

    it('judges a processor without locations at its headquarters', () => {
      const map = broken((m) => {
        m.processors[0].headquarters = 'IN';
        m.processors[0].locations = [];
      });
      expect(lint(map)).toEqual([
        {
          severity: 'ERROR',
          rule: 'transfer-without-safeguard',
          message:
            'mailer processes data in IN without a valid transfer mechanism: no processing location is recorded, so the processor ' +
            'is judged at its headquarters IN (India): a mechanism is required for IN (India), which has no adequacy decision; ' +
            'use an Art. 46 safeguard (STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, CERTIFICATION) or ' +
            'an Art. 49 derogation (DEROGATION_EXPLICIT_CONSENT, DEROGATION_CONTRACT); add a location for IN with its transfer mechanism',
          entities: [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'IN' }],
          fix: 'record where mailer processes data, each location with its transfer mechanism',
        },
      ]);
    });

    it('finds nothing for a processor without locations headquartered in the EEA', () => {
      const map = broken((m) => {
        m.processors[0].headquarters = 'DE';
        m.processors[0].locations = [];
      });
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

  describe('US adequacy without a DPF certification', () => {
    it('is a transfer without safeguard, whatever the reference says', () => {
      const map = broken((m) => (m.processors[0].locations[0] = { country: 'US', mechanism: 'ADEQUACY_DECISION', reference: 'Not DPF certified' }));
      expect(lint(map).map((f) => [f.severity, f.rule, f.entities])).toEqual([
        ['ERROR', 'transfer-without-safeguard', [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }]],
      ]);
    });
  });

  describe('dpf-review-overdue', () => {
    it('fires as a WARNING once the review date has passed', () => {
      const map = broken((m) => (m.processors[0].locations[0].dpf.reviewDue = '2027-01-14'));
      expect(lint(map)).toEqual([
        {
          severity: 'WARNING',
          rule: 'dpf-review-overdue',
          message:
            'mailer in US: the DPF certification https://www.dataprivacyframework.gov/participant/1234 was due for review on ' +
            '2027-01-14: the adequacy decision (EU) 2023/1795 covers the recipient only while its certification is active',
          entities: [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }],
          fix: 'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the next review date, or rely on STANDARD_CONTRACTUAL_CLAUSES',
        },
      ]);
    });
  });

  describe('systematic-derogation', () => {
    it("fires as a WARNING for a derogation carrying a processor's regular processing", () => {
      const map = broken((m) => m.processors[0].locations.push({ country: 'IN', mechanism: 'DEROGATION_EXPLICIT_CONSENT' }));
      expect(lint(map).map((f) => [f.severity, f.rule, f.message, f.entities])).toEqual([
        [
          'WARNING',
          'systematic-derogation',
          'mailer in IN: DEROGATION_EXPLICIT_CONSENT is an Art. 49(1) derogation, meant for occasional transfers, yet it carries ' +
            'the regular processing of an engaged processor to IN (India) (EDPB Guidelines 2/2018)',
          [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'IN' }],
        ],
      ]);
    });
  });

  describe('representative-not-recorded', () => {
    const organization = (country: string, representative?: { name: string }) => ({
      key: 'acme', name: 'Acme', legalName: 'Acme Inc.', email: 'p@acme.example', address: 'Main St', country,
      dpo: { name: 'Privacy Officer', email: 'p@acme.example', designated: false }, rightsResponseDays: 30,
      breachNotificationHours: 72, policyUpdatedOn: '2024-01-15', ...(representative ? { representative } : {}),
    });

    it('fires for a controller outside the Union without a representative (Art. 27)', () => {
      const map = broken((m) => (m.organization = organization('US')));
      expect(lint(map)).toEqual([
        {
          severity: 'WARNING',
          rule: 'representative-not-recorded',
          message:
            'acme is established in US (United States), outside the Union, and offers its services to people in the Union ' +
            '(Art. 3(2)(a)), but no representative in the Union is recorded (Art. 27(1)); the record of processing must name it (Art. 30(1)(a))',
          entities: [{ type: 'Organization', key: 'acme' }],
          fix:
            'designate a representative in a member state where the people whose data is processed are, and record it ' +
            '(organization.representative); or record why Art. 27(2) exempts the processing',
        },
      ]);
    });

    it('does not fire once a representative is recorded, nor for a controller in the EEA', () => {
      expect(rulesOf(broken((m) => (m.organization = organization('US', { name: 'EU Rep GmbH' }))))).toEqual([]);
      expect(rulesOf(broken((m) => (m.organization = organization('DE'))))).toEqual([]);
    });
  });

  describe('dpia-indicated', () => {
    it('fires as a WARNING when an activity meets two WP248 criteria, children counting as vulnerable subjects', () => {
      const map = broken((m) => Object.assign(m.activities[0], { children: true, dpiaCriteria: ['PROFILING'] }));
      expect(lint(map)).toEqual([
        {
          severity: 'WARNING',
          rule: 'dpia-indicated',
          message:
            "newsletter meets 2 WP248 criteria (VULNERABLE_SUBJECTS, PROFILING; it processes children's data): processing likely " +
            'to result in a high risk, for which Art. 35(1) requires a data protection impact assessment',
          entities: [{ type: 'ProcessingActivity', key: 'newsletter' }],
          fix: 'carry out a DPIA for newsletter and record its reference (dpia), or correct the criteria recorded',
        },
      ]);
    });

    it('does not fire for one criterion, nor once a DPIA is recorded', () => {
      expect(rulesOf(broken((m) => Object.assign(m.activities[0], { children: true })))).toEqual([]);
      expect(rulesOf(broken((m) => Object.assign(m.activities[0], { dpiaCriteria: ['PROFILING', 'LARGE_SCALE'], dpia: 'DPIA-2026-04' })))).toEqual([]);
    });
  });

  describe('special-category-without-condition', () => {
    it('fires as an ERROR for an activity using a special category without an Art. 9(2) condition', () => {
      const map = broken((m) => {
        m.dataCategories = [{ key: 'health', name: 'Health', specialCategory: true }];
        m.activities[0].dataCategories.push('health');
      });
      expect(lint(map).map((f) => [f.severity, f.rule, f.message, f.entities])).toEqual([
        [
          'ERROR',
          'special-category-without-condition',
          'newsletter uses special categories of data (health), which Art. 9(1) prohibits unless an Art. 9(2) condition applies, and records none',
          [{ type: 'ProcessingActivity', key: 'newsletter' }, { type: 'DataCategory', key: 'health' }],
        ],
        // The signup point does not collect health data, so nothing else changes.
      ]);
      const withCondition = broken((m) => {
        m.dataCategories = [{ key: 'health', name: 'Health', specialCategory: true }];
        m.activities[0].dataCategories.push('health');
        m.activities[0].specialCategoryCondition = 'Art. 9(2)(a) explicit consent';
      });
      expect(rulesOf(withCondition)).toEqual([]);
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
