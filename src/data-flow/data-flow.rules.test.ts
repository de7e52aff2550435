import { AdequacyScope } from '../country/country.entity';
import { LegalBasis } from '../processing-activity/legal-basis';
import { TransferMechanism } from '../processor/transfer-mechanism';
import {
  collectionOf,
  coversCategory,
  exclusionFor,
  flowGraph,
  judgeFlows,
  positionFromString,
  positionOf,
  positionToString,
  judgedFlow,
  judgeUnder,
  toDataFlow,
  type FlowCollection,
} from './data-flow.rules';
import type { FlowRow, RegimeFacts } from './data-flow.sql';
import { Regime } from '../country/regime';
import { TiaOutcome } from '../processor/tia-outcome';
import { ExclusionReason } from './data-flow.types';

const usRow: FlowRow = {
  categoryKey: 'contact',
  activityKey: 'marketing-communications',
  purposeKey: 'communication.marketing',
  legalBasis: LegalBasis.CONSENT,
  requiredConsentKey: 'marketing-email',
  retentionKey: 'marketing-data',
  processorKey: 'mailchimp',
  destinationCode: 'US',
  mechanism: TransferMechanism.ADEQUACY_DECISION,
  reference: 'EU-US Data Privacy Framework',
  dpfCertification: 'https://www.dataprivacyframework.gov/participant/5780',
  dpfReviewDue: '2099-11-30',
  inEEA: false,
  adequacy: AdequacyScope.PARTIAL,
  adequacyNote: 'DPF-certified organisations',
  pending: false,
  effectiveFrom: null,
};

describe('toDataFlow', () => {
  it('keeps the keys of the path and the mechanism of a safeguarded third-country transfer', () => {
    expect(toDataFlow(usRow)).toEqual({
      categoryKey: 'contact',
      activityKey: 'marketing-communications',
      purposeKey: 'communication.marketing',
      processorKey: 'mailchimp',
      destinationCode: 'US',
      retentionKey: 'marketing-data',
      legalBasis: LegalBasis.CONSENT,
      thirdCountry: true,
      regulatedTransfer: true,
      mechanism: TransferMechanism.ADEQUACY_DECISION,
      reference: 'EU-US Data Privacy Framework',
      safeguarded: true,
      transferProblem: null,
      pending: false,
      effectiveFrom: null,
      // One hop: the organisation to its processor, module 2 (controller to processor).
      sourceCategoryKey: 'contact',
      route: 'mailchimp',
      path: [
        {
          fromKey: null, toKey: 'mailchimp', destinationCode: 'US', mechanism: TransferMechanism.ADEQUACY_DECISION,
          reference: 'EU-US Data Privacy Framework', safeguarded: true, transferProblem: null, sccModule: 2, regulatedTransfer: true,
        },
      ],
    });
  });

  it('judges the DPF certification on the day: lapsed after its review date, as flows, findings and the record read it', () => {
    expect(judgedFlow({ ...usRow, dpfReviewDue: '2027-06-30' }, '2027-06-30').safeguarded).toBe(true);
    const lapsed = judgedFlow({ ...usRow, dpfReviewDue: '2027-06-30' }, '2027-07-01');
    expect([lapsed.safeguarded, lapsed.transferProblem]).toEqual([false, expect.stringMatching(/^the DPF certification .* was due for review on 2027-06-30 and has lapsed/)]);
    // toDataFlow judges on today's date: a review date years past is lapsed now.
    expect(toDataFlow({ ...usRow, dpfReviewDue: '2020-06-30' }).safeguarded).toBe(false);
  });

  it('marks a US adequacy claim without a DPF certification as not safeguarded, and says why', () => {
    const flow = toDataFlow({ ...usRow, dpfCertification: null, dpfReviewDue: null });
    expect(flow.thirdCountry).toBe(true);
    expect(flow.safeguarded).toBe(false);
    expect(flow.transferProblem).toMatch(/^the DPF certification is required: ADEQUACY_DECISION for US covers only organisations certified under/);
  });

  it('judges SCCs by the module the parties need: a processor engaged by the controller gets module 2', () => {
    const india = { ...usRow, destinationCode: 'IN', adequacy: AdequacyScope.NONE, adequacyNote: null, mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES };
    expect(toDataFlow({ ...india, reference: 'SCC 2021/914 module 2' }).safeguarded).toBe(true);
    expect(toDataFlow({ ...india, reference: 'SCC 2021/914 module 3' }).safeguarded).toBe(false);
  });

  it('marks a transfer to a country without adequacy and without a mechanism as not safeguarded', () => {
    const flow = toDataFlow({ ...usRow, destinationCode: 'IN', adequacy: AdequacyScope.NONE, adequacyNote: null, mechanism: null, reference: null });
    expect([flow.thirdCountry, flow.safeguarded, flow.mechanism]).toEqual([true, false, null]);
  });

  it('drops the mechanism inside the EEA, where nothing is transferred, and counts the flow as safeguarded', () => {
    const flow = toDataFlow({ ...usRow, destinationCode: 'DE', inEEA: true, adequacy: AdequacyScope.NONE, mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES });
    expect([flow.thirdCountry, flow.safeguarded, flow.mechanism, flow.reference, flow.transferProblem]).toEqual([false, true, null, null, null]);
  });
  it('rests a transfer to a fully adequate country on the adequacy decision when no mechanism is recorded', () => {
    const flow = toDataFlow({ ...usRow, destinationCode: 'CH', adequacy: AdequacyScope.FULL, adequacyNote: null, mechanism: null, reference: null });
    expect([flow.thirdCountry, flow.safeguarded, flow.mechanism]).toEqual([true, true, TransferMechanism.ADEQUACY_DECISION]);
  });
});

describe('judgeUnder: one flow under each regime, from the facts laid over its row', () => {
  const sccRow: FlowRow = { ...usRow, mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2', dpfCertification: null, dpfReviewDue: null };
  const facts = (overrides: Partial<RegimeFacts> = {}): RegimeFacts => ({
    processorKey: 'mailchimp', destinationCode: 'US', mechanism: null, reference: null, dpfCertification: null, dpfReviewDue: null,
    adequacy: AdequacyScope.PARTIAL, adequacyNote: 'DPF UK Extension', adequacySince: '2023-10-12',
    tiaReference: null, tiaAssessedAt: null, tiaOutcome: null, ...overrides,
  });
  const addendum = facts({ mechanism: TransferMechanism.UK_ADDENDUM, reference: 'UK Addendum to SCC 2021/914 module 2' });
  const verdict = (regime: Regime | null, row: FlowRow, over?: RegimeFacts | null, home?: string) => {
    const judgment = judgeUnder(regime, row, over, '2026-06-01', home);
    return [judgment.thirdCountry, judgment.mechanism, judgment.safeguarded];
  };

  it.each<[string, Regime | null, FlowRow, RegimeFacts | null, string | undefined, unknown[]]>([
    ['EU: the row\'s own SCCs', Regime.EU_GDPR, sccRow, null, undefined, [true, TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, true]],
    ['EU: facts of another regime are not read', Regime.EU_GDPR, sccRow, facts(), undefined, [true, TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, true]],
    ['UK: the Addendum recorded for it', Regime.UK_GDPR, sccRow, addendum, undefined, [true, TransferMechanism.UK_ADDENDUM, true]],
    ['UK: the EU SCCs of the row are no UK tool, so nothing recorded is nothing', Regime.UK_GDPR, sccRow, facts(), undefined, [true, null, false]],
    ['UK: no facts at all', Regime.UK_GDPR, sccRow, null, undefined, [true, null, false]],
    ['UK: the EEA is adequate, not inside', Regime.UK_GDPR, { ...sccRow, destinationCode: 'DE', inEEA: true }, facts({ adequacy: AdequacyScope.FULL, adequacySince: null }), undefined, [true, TransferMechanism.ADEQUACY_DECISION, true]],
    ['UK: the UK is inside', Regime.UK_GDPR, { ...sccRow, destinationCode: 'GB', adequacy: AdequacyScope.FULL }, null, undefined, [false, null, true]],
    ['CH: the EU SCCs with the Swiss adaptations', Regime.SWISS_FADP, sccRow, facts({ mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2 with the Swiss adaptations (FADP)' }), undefined, [true, TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, true]],
    ['CH: the EU SCCs without them', Regime.SWISS_FADP, sccRow, facts({ mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' }), undefined, [true, TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, false]],
    ['no regime, the person\'s own country', null, sccRow, null, 'US', [false, null, true]],
    ['no regime, abroad', null, sccRow, null, 'IN', [true, null, true]],
  ])('%s', (_, regime, row, over, home, expected) => {
    expect(verdict(regime, row, over, home)).toEqual(expected);
  });

  it('reads the latest assessment under the regime: TRANSFER_SUSPENDED leaves the hop unsafeguarded', () => {
    const suspended = { ...addendum, tiaReference: 'TRA-1', tiaAssessedAt: '2026-01-15', tiaOutcome: TiaOutcome.TRANSFER_SUSPENDED };
    expect(verdict(Regime.UK_GDPR, sccRow, suspended)).toEqual([true, TransferMechanism.UK_ADDENDUM, false]);
    expect(verdict(Regime.UK_GDPR, sccRow, { ...suspended, tiaOutcome: TiaOutcome.ADEQUATE_PROTECTION })).toEqual([true, TransferMechanism.UK_ADDENDUM, true]);
  });

  it('gives a flow under no regime no regulated transfer, and one under a regime its own reference', () => {
    expect(judgedFlow(sccRow, '2026-06-01', { regime: null, home: 'US' })).toMatchObject({ thirdCountry: false, regulatedTransfer: false, mechanism: null, reference: null, safeguarded: true });
    const facts = new Map([['mailchimp|US', addendum]]);
    expect(judgedFlow(sccRow, '2026-06-01', { regime: Regime.UK_GDPR, facts })).toMatchObject({
      thirdCountry: true, regulatedTransfer: true, mechanism: TransferMechanism.UK_ADDENDUM, reference: 'UK Addendum to SCC 2021/914 module 2', safeguarded: true,
    });
  });
});

describe('flow positions', () => {
  it('round-trip through their text form', () => {
    const position = positionOf(toDataFlow(usRow));
    expect(position).toEqual(['marketing-communications', 'contact', 'mailchimp', 'US']);
    expect(positionFromString(positionToString(position))).toEqual(position);
  });

  it('reject text that is not four or five non-empty parts (five: a flow that carries a narrower category)', () => {
    expect(positionFromString('a|b|c')).toBeNull();
    expect(positionFromString('a|b||d')).toBeNull();
    expect(positionFromString('a|b|c|d|e')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(positionFromString('a|b|c|d|')).toBeNull();
    expect(positionFromString('a|b|c|d|e|f')).toBeNull();
  });
});

describe('collectionOf', () => {
  const points = new Map(
    [
      { key: 'registration', automatic: false, categories: ['contact', 'identity'] },
      { key: 'newsletter', automatic: false, categories: ['contact.email'] },
      { key: 'site-visit', automatic: true, categories: ['technical', 'usage'] },
    ].map((point) => [point.key, point]),
  );

  it('counts a point that collects the category or a broader one, never a narrower one', () => {
    expect(collectionOf('contact.email', ['newsletter', 'registration'], points)).toEqual({
      collectedAt: ['newsletter', 'registration'],
      collectedAutomatically: false,
    });
    expect(collectionOf('contact', ['newsletter', 'registration'], points)).toEqual({ collectedAt: ['registration'], collectedAutomatically: false });
    expect(collectionOf('contact', ['newsletter'], points)).toEqual({ collectedAt: [], collectedAutomatically: false });
  });

  it('only counts the points that feed the activity', () => {
    expect(collectionOf('identity', ['newsletter', 'site-visit'], points)).toEqual({ collectedAt: [], collectedAutomatically: false });
  });

  it('reports an automatic point apart from the others', () => {
    expect(collectionOf('usage.website', ['registration', 'site-visit'], points)).toEqual({ collectedAt: [], collectedAutomatically: true });
  });

  it('reads keys by their dotted segments, not as plain prefixes', () => {
    expect(coversCategory('contact', 'contact.email')).toBe(true);
    expect(coversCategory('contact', 'contact')).toBe(true);
    expect(coversCategory('contact', 'contacts.email')).toBe(false);
    expect(coversCategory('contact.email', 'contact')).toBe(false);
  });
});

describe('exclusionFor', () => {
  const newsletterFlow: FlowCollection = {
    legalBasis: LegalBasis.CONSENT,
    requiredConsentKey: 'marketing-email',
    collectedAt: ['newsletter'],
    collectedAutomatically: false,
  };
  const contractFlow: FlowCollection = { legalBasis: LegalBasis.CONTRACT, requiredConsentKey: null, collectedAt: ['registration', 'support'], collectedAutomatically: false };

  it('applies a flow fed by a collection point the person went through', () => {
    expect(exclusionFor(contractFlow, { collectionPoints: ['support'], consents: [] })).toBeNull();
  });

  it('excludes a flow no collection point of the person feeds as NOT_COLLECTED', () => {
    expect(exclusionFor(contractFlow, { collectionPoints: ['purchase'], consents: [] })).toBe(ExclusionReason.NOT_COLLECTED);
  });

  it('applies a flow fed by an automatic collection point to everyone', () => {
    expect(exclusionFor({ ...contractFlow, collectedAt: [], collectedAutomatically: true }, { collectionPoints: [], consents: [] })).toBeNull();
  });

  it('needs the required consent when the legal basis is CONSENT', () => {
    expect(exclusionFor(newsletterFlow, { collectionPoints: ['newsletter'], consents: ['marketing-email'] })).toBeNull();
    expect(exclusionFor(newsletterFlow, { collectionPoints: ['newsletter'], consents: ['performance-cookies'] })).toBe(
      ExclusionReason.CONSENT_NOT_GIVEN,
    );
  });

  it('reports NOT_COLLECTED before a missing consent: a consent alone collects nothing', () => {
    expect(exclusionFor(newsletterFlow, { collectionPoints: ['registration'], consents: ['marketing-email'] })).toBe(
      ExclusionReason.NOT_COLLECTED,
    );
    expect(exclusionFor(newsletterFlow, { collectionPoints: [], consents: [] })).toBe(ExclusionReason.NOT_COLLECTED);
  });

  it('excludes a flow that would apply while its processor is in its notice period, after the other reasons', () => {
    expect(exclusionFor({ ...contractFlow, pending: true }, { collectionPoints: ['support'], consents: [] })).toBe(
      ExclusionReason.SUBPROCESSOR_NOTICE_PERIOD,
    );
    expect(exclusionFor({ ...contractFlow, pending: true }, { collectionPoints: [], consents: [] })).toBe(ExclusionReason.NOT_COLLECTED);
  });

  it('excludes a child\'s flow whose basis needs a parent\'s consent, after the collection and consent checks, before the notice period', () => {
    const child = { collectionPoints: ['support', 'newsletter'], consents: ['marketing-email'], basesNeedingParentalConsent: [LegalBasis.CONSENT] };
    expect(exclusionFor(newsletterFlow, child)).toBe(ExclusionReason.BELOW_DIGITAL_CONSENT_AGE);
    expect(exclusionFor(contractFlow, child)).toBeNull();
    expect(exclusionFor(newsletterFlow, { ...child, consents: [] })).toBe(ExclusionReason.CONSENT_NOT_GIVEN);
    expect(exclusionFor(newsletterFlow, { ...child, collectionPoints: [] })).toBe(ExclusionReason.NOT_COLLECTED);
    const everyBasis = { ...child, basesNeedingParentalConsent: Object.values(LegalBasis) };
    expect(exclusionFor({ ...contractFlow, pending: true }, everyBasis)).toBe(ExclusionReason.BELOW_DIGITAL_CONSENT_AGE);
  });

  it('never applies a CONSENT flow whose activity records no consent to ask for', () => {
    expect(exclusionFor({ ...newsletterFlow, requiredConsentKey: null }, { collectionPoints: ['newsletter'], consents: ['marketing-email'] })).toBe(
      ExclusionReason.CONSENT_NOT_GIVEN,
    );
  });
});

describe('judgeFlows', () => {
  it('splits the flows in order and lists the distinct processors reached in key order', () => {
    const collected: FlowCollection = { legalBasis: LegalBasis.CONTRACT, requiredConsentKey: null, collectedAt: ['registration'], collectedAutomatically: false };
    const verdict = judgeFlows(
      [
        { flow: { id: 1, processorKey: 'sendgrid' }, collection: collected },
        { flow: { id: 2, processorKey: 'stripe' }, collection: { ...collected, collectedAt: ['purchase'] } },
        { flow: { id: 3, processorKey: 'aws' }, collection: collected },
        { flow: { id: 4, processorKey: 'sendgrid' }, collection: collected },
      ],
      { collectionPoints: ['registration'], consents: [] },
    );
    expect(verdict.flows.map((flow) => flow.id)).toEqual([1, 3, 4]);
    expect(verdict.excluded).toEqual([{ flow: { id: 2, processorKey: 'stripe' }, reason: ExclusionReason.NOT_COLLECTED }]);
    expect(verdict.processorKeys).toEqual(['aws', 'sendgrid']);
  });
});

describe('flowGraph', () => {
  const payments = toDataFlow({ ...usRow, activityKey: 'process-payments', categoryKey: 'financial', processorKey: 'stripe', legalBasis: LegalBasis.CONTRACT });
  // The same flow to another recipient: its one hop goes there too.
  const via = (flow: typeof payments, processorKey: string, mechanism: TransferMechanism) => ({
    ...flow, processorKey, mechanism, route: processorKey, path: flow.path.map((hop) => ({ ...hop, toKey: processorKey, mechanism })),
  });
  const threeFlows = [
    payments,
    { ...payments, categoryKey: 'contact' },
    via(payments, 'paypal', TransferMechanism.BINDING_CORPORATE_RULES),
  ];

  it('has each node once, grouped by kind in key order, and each edge once in the order of its nodes', () => {
    const graph = flowGraph(threeFlows);
    expect(graph.nodes.map((node) => [node.id, node.kind, node.key, node.label])).toEqual([
      ['category:contact', 'CATEGORY', 'contact', 'contact'],
      ['category:financial', 'CATEGORY', 'financial', 'financial'],
      ['activity:process-payments', 'ACTIVITY', 'process-payments', 'process-payments'],
      ['processor:paypal', 'PROCESSOR', 'paypal', 'paypal'],
      ['processor:stripe', 'PROCESSOR', 'stripe', 'stripe'],
      ['country:US', 'COUNTRY', 'US', 'US'],
    ]);
    expect(graph.edges.map((edge) => [edge.from, edge.to, edge.label])).toEqual([
      ['category:contact', 'activity:process-payments', null],
      ['category:financial', 'activity:process-payments', null],
      ['activity:process-payments', 'processor:paypal', null],
      ['activity:process-payments', 'processor:stripe', null],
      ['processor:paypal', 'country:US', 'BINDING_CORPORATE_RULES'],
      ['processor:stripe', 'country:US', 'ADEQUACY_DECISION'],
    ]);
  });

  it('labels a transfer without safeguard as such and draws it dashed', () => {
    const unsafe = toDataFlow({ ...usRow, dpfCertification: null });
    const transfer = flowGraph([unsafe]).edges.find((edge) => edge.to === 'country:US');
    expect(transfer).toEqual({
      from: 'processor:mailchimp', to: 'country:US', kind: 'PROCESSED_IN', label: 'no safeguard', dashed: true, safeguarded: false, flows: 1,
      classes: ['unsafeguarded'],
    });
    // The recipient is marked, not the country.
    expect(flowGraph([unsafe]).nodes.filter((node) => node.classes.includes('unsafeguarded')).map((node) => node.id)).toEqual(['processor:mailchimp']);
  });

  it('counts the flows through each node and along each edge, one entity per node', () => {
    const graph = flowGraph(threeFlows);
    expect(graph.nodes.map((node) => [node.id, node.count, node.flows, node.filterField])).toEqual([
      ['category:contact', 1, 1, 'categories'],
      ['category:financial', 1, 2, 'categories'],
      ['activity:process-payments', 1, 3, 'activities'],
      ['processor:paypal', 1, 1, 'processors'],
      ['processor:stripe', 1, 2, 'processors'],
      ['country:US', 1, 3, 'destinations'],
    ]);
    expect(graph.edges.map((edge) => [edge.from, edge.to, edge.kind, edge.flows])).toEqual([
      ['category:contact', 'activity:process-payments', 'USED_BY', 1],
      ['category:financial', 'activity:process-payments', 'USED_BY', 2],
      ['activity:process-payments', 'processor:paypal', 'PROCESSED_BY', 1],
      ['activity:process-payments', 'processor:stripe', 'PROCESSED_BY', 2],
      ['processor:paypal', 'country:US', 'PROCESSED_IN', 1],
      ['processor:stripe', 'country:US', 'PROCESSED_IN', 2],
    ]);
    expect(graph.nodes.every((node) => node.classes.length === 0)).toBe(true);
  });

  it('is empty for no flows', () => {
    expect(flowGraph([])).toEqual({ nodes: [], edges: [] });
  });
});
