import { AdequacyScope } from '../country/country.entity';
import { Regime } from '../country/regime';
import { manifestSchema } from '../manifest/manifest.schema';
import type { CountryStanding } from '../processor/transfer-rules';
import { TiaOutcome } from '../processor/tia-outcome';
import type { TransferRecords } from '../processor/transfer-impact-assessment.service';
import { lintMap, type LintContext, type RuleId } from './findings.rules';

const EEA_ADEQUATE = { UK_GDPR: { adequacy: AdequacyScope.FULL }, SWISS_FADP: { adequacy: AdequacyScope.FULL } };
const countries = new Map<string, CountryStanding>([
  ['DE', { code: 'DE', name: 'Germany', inEEA: true, adequacy: AdequacyScope.NONE, regimes: EEA_ADEQUATE }],
  [
    'US',
    {
      code: 'US', name: 'United States', inEEA: false, adequacy: AdequacyScope.PARTIAL, adequacyNote: 'DPF-certified organisations',
      regimes: { UK_GDPR: { adequacy: AdequacyScope.PARTIAL, note: 'UK Extension' }, SWISS_FADP: { adequacy: AdequacyScope.PARTIAL, note: 'Swiss-U.S. DPF' } },
    },
  ],
  ['IN', { code: 'IN', name: 'India', inEEA: false, adequacy: AdequacyScope.NONE }],
  ['GB', { code: 'GB', name: 'United Kingdom', inEEA: false, adequacy: AdequacyScope.FULL }],
  ['CH', { code: 'CH', name: 'Switzerland', inEEA: false, adequacy: AdequacyScope.FULL }],
]);

/** A small map with no findings; each test breaks one thing. */
function cleanMap() {
  return {
    apiVersion: 'datamap/v1',
    collectionPoints: [{ key: 'signup', name: 'Signup', categories: ['contact'], source: 'Signup form' }],
    activities: [
      { key: 'newsletter', name: 'Newsletter', purpose: 'marketing', legalBasis: 'CONSENT', requiredConsent: 'email',
        retention: 'until-unsubscribe', dataCategories: ['contact.email'], source: 'Newsletter section' },
    ],
    processors: [
      { key: 'mailer', name: 'Mailer', service: 'Email', headquarters: 'US', status: 'ACTIVE', dpaReference: 'DPA 2024', source: 'Service providers',
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
const lint = (map: Map, context: LintContext = {}) => lintMap(manifestSchema.parse(map), countries, { today: TODAY, servedRegimes: [Regime.EU_GDPR], ...context });
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

  describe('dpf-review-overdue and dpf-lapsed', () => {
    it('is a WARNING within DPF_GRACE_DAYS before the review date', () => {
      const map = broken((m) => (m.processors[0].locations[0].dpf.reviewDue = '2027-02-10'));
      expect(lint(map)).toEqual([
        {
          severity: 'WARNING',
          rule: 'dpf-review-overdue',
          message:
            'mailer in US: the DPF certification https://www.dataprivacyframework.gov/participant/1234 is due for review on ' +
            '2027-02-10: the adequacy decision (EU) 2023/1795 covers the recipient only while its certification is active, and it lapses the day after',
          entities: [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }],
          fix: 'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the next review date, or rely on another safeguard',
        },
      ]);
      expect(rulesOf(map)).toEqual(['dpf-review-overdue']);
      expect(lint(map, { dpfGraceDays: 10 })).toEqual([]);
    });

    it('is an ERROR once the review date has passed: the transfer is not safeguarded', () => {
      const map = broken((m) => (m.processors[0].locations[0].dpf.reviewDue = '2027-01-14'));
      expect(lint(map)).toEqual([
        {
          severity: 'ERROR',
          rule: 'dpf-lapsed',
          message:
            'mailer in US: the DPF certification https://www.dataprivacyframework.gov/participant/1234 was due for review on ' +
            '2027-01-14 and has lapsed: the adequacy decision (EU) 2023/1795 covers the recipient only while its certification ' +
            'is active, so the transfer has no safeguard until the DPF List shows it renewed',
          entities: [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }],
          fix: 'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the renewed review date, or rely on another safeguard',
        },
      ]);
    });
  });

  describe('systematic-derogation', () => {
    it("is an ERROR for a derogation carrying a processor's regular processing", () => {
      const map = broken((m) => m.processors[0].locations.push({ country: 'IN', mechanism: 'DEROGATION_EXPLICIT_CONSENT' }));
      expect(lint(map).map((f) => [f.severity, f.rule, f.message, f.entities])).toEqual([
        [
          'ERROR',
          'systematic-derogation',
          'mailer in IN: DEROGATION_EXPLICIT_CONSENT is an Art. 49 derogation, meant for occasional transfers, yet it carries ' +
            'the regular processing of an engaged processor to IN (India) (EDPB Guidelines 2/2018): it is no ground for regular ' +
            'transfers; rely on an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES)',
          [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'IN' }],
        ],
      ]);
    });
  });

  describe('regime-safeguard-missing (SERVED_REGIMES)', () => {
    const allRegimes = { servedRegimes: [Regime.EU_GDPR, Regime.UK_GDPR, Regime.SWISS_FADP] };

    it('warns of each served UK or Swiss regime a third-country location has no safeguard for', () => {
      expect(lint(cleanMap(), allRegimes).map((f) => [f.severity, f.rule, f.entities])).toEqual([
        ['WARNING', 'regime-safeguard-missing', [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }]],
        ['WARNING', 'regime-safeguard-missing', [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }]],
      ]);
      expect(lint(cleanMap(), allRegimes)[0].message).toMatch(
        /^mailer in US records no UK_GDPR safeguard, so the data of people protected by the UK GDPR and the Data Protection Act 2018, whom the map serves \(SERVED_REGIMES\), reaches US \(United States\) unsafeguarded \(UK GDPR Art\. 46/,
      );
      expect(lint(cleanMap(), { servedRegimes: [Regime.EU_GDPR, Regime.SWISS_FADP] }).map((f) => f.message)).toEqual([
        expect.stringMatching(/^mailer in US records no SWISS_FADP safeguard/),
      ]);
    });

    it('is quiet once the safeguards are recorded, and reports a recorded one that fails as the error it is', () => {
      const safeguarded = broken((m) => {
        m.processors[0].locations[0].safeguards = [
          { regime: 'UK_GDPR', mechanism: 'UK_ADDENDUM', reference: 'UK Addendum to SCC 2021/914 module 2' },
          { regime: 'SWISS_FADP', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2 with the Swiss adaptations (FADP)' },
        ];
      });
      expect(rulesOf(safeguarded)).toEqual([]);
      expect(lint(safeguarded, allRegimes)).toEqual([]);
      const failing = broken((m) => {
        m.processors[0].locations[0].safeguards = [
          { regime: 'UK_GDPR', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' },
          { regime: 'SWISS_FADP', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2 with the Swiss adaptations (FADP)' },
        ];
      });
      expect(lint(failing, allRegimes).map((f) => [f.severity, f.rule, f.message])).toEqual([
        ['ERROR', 'transfer-without-safeguard', expect.stringMatching(/^mailer processes data in US without a valid transfer mechanism under UK_GDPR: the EU SCCs alone are not a UK transfer tool/)],
      ]);
    });
  });

  describe('transfer impact assessments', () => {
    const scc = broken((m) => (m.processors[0].locations[0] = { country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }));
    const records = (tia: { assessedAt: string; outcome: TiaOutcome } | null, lastChangedOn: string | null = null): TransferRecords => ({
      tia: (processor, country, regime) => (processor === 'mailer' && country === 'US' && regime === Regime.EU_GDPR && tia ? { reference: 'TIA-1', ...tia } : null),
      lastChangedOn: () => lastChangedOn,
    });

    it('warns of a transfer on SCCs without one (tia-missing), and of one out of date (tia-stale)', () => {
      expect(lint(scc, { records: records(null) }).map((f) => [f.severity, f.rule, f.entities])).toEqual([
        ['WARNING', 'tia-missing', [{ type: 'Processor', key: 'mailer' }, { type: 'Country', key: 'US' }]],
      ]);
      expect(lint(scc, { records: records({ assessedAt: '2026-06-01', outcome: TiaOutcome.ADEQUATE_PROTECTION }) })).toEqual([]);
      expect(rulesOf(scc)).toEqual([]);
      expect(lint(scc, { records: records({ assessedAt: '2025-12-01', outcome: TiaOutcome.ADEQUATE_PROTECTION }) }).map((f) => f.rule)).toEqual(['tia-stale']);
      expect(lint(scc, { records: records({ assessedAt: '2026-06-01', outcome: TiaOutcome.ADEQUATE_PROTECTION }, '2026-07-01') }).map((f) => f.message)).toEqual([
        'mailer in US: the transfer impact assessment TIA-1 of 2026-06-01 (EU_GDPR, US (United States)) is out of date: it predates the last change of the safeguard on 2026-07-01',
      ]);
    });

    it('makes a suspended transfer an ERROR', () => {
      expect(lint(scc, { records: records({ assessedAt: '2026-06-01', outcome: TiaOutcome.TRANSFER_SUSPENDED }) }).map((f) => [f.severity, f.rule])).toEqual([
        ['ERROR', 'transfer-without-safeguard'],
      ]);
    });

    it('warns when the importer is itself subject to the GDPR and rests on the SCCs', () => {
      const subject = broken((m) => {
        m.processors[0].locations[0] = { country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' };
        m.processors[0].subjectToGdpr = true;
      });
      expect(rulesOf(subject)).toEqual(['scc-importer-subject-to-gdpr']);
    });
  });

  describe('representative-not-recorded', () => {
    const organization = (country: string, representative?: { name: string }, others: Record<string, unknown> = {}) => ({
      key: 'acme', name: 'Acme', legalName: 'Acme Inc.', email: 'p@acme.example', address: 'Main St', country, source: 'Contact',
      dpo: { name: 'Privacy Officer', email: 'p@acme.example', designated: false }, rightsResponseDays: 30,
      breachNotificationHours: 72, policyUpdatedOn: '2024-01-15', ...(representative ? { representative } : {}), ...others,
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

    it('covers the UK and Swiss representatives separately, for the regimes served', () => {
      const all = { servedRegimes: [Regime.EU_GDPR, Regime.UK_GDPR, Regime.SWISS_FADP] };
      const us = broken((m) => (m.organization = organization('US', { name: 'EU Rep GmbH' })));
      // The map's own US location lacks UK and Swiss safeguards too; the representatives are what this test reads.
      const representatives = (map: Map) => lint(map, all).filter((f) => f.rule === 'representative-not-recorded');
      expect(representatives(us).map((f) => [f.entities, f.message])).toEqual([
        [
          [{ type: 'Organization', key: 'acme' }, { type: 'Country', key: 'GB' }],
          'acme is established in US (United States), outside the United Kingdom, and offers its services to people there (UK GDPR ' +
            'Art. 3(2)(a)), but no UK representative is recorded (UK GDPR Art. 27(1)); the UK record of processing must name it (UK GDPR Art. 30(1)(a))',
        ],
        [
          [{ type: 'Organization', key: 'acme' }, { type: 'Country', key: 'CH' }],
          'acme is established in US (United States), outside Switzerland, and offers its services to people there, but no ' +
            'representative in Switzerland is recorded: FADP Art. 14(1) requires one where the processing of their data is regular, extensive and of high risk',
        ],
      ]);
      const represented = broken((m) => (m.organization = organization('US', { name: 'EU Rep GmbH' }, { ukRepresentative: { name: 'UK Rep Ltd' }, swissRepresentative: { name: 'CH Rep AG' } })));
      expect(representatives(represented)).toEqual([]);
      // A controller in the UK needs no UK representative, but one in the Union and in Switzerland.
      expect(representatives(broken((m) => (m.organization = organization('GB')))).map((f) => f.entities)).toEqual([
        [{ type: 'Organization', key: 'acme' }],
        [{ type: 'Organization', key: 'acme' }, { type: 'Country', key: 'CH' }],
      ]);
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
        m.dataCategories = [{ key: 'health', name: 'Health', specialCategory: true, source: 'Health section' }];
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
        m.dataCategories = [{ key: 'health', name: 'Health', specialCategory: true, source: 'Health section' }];
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
