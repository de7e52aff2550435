import type { DataFlow } from '../data-flow/data-flow.types';
import { LegalBasis } from '../processing-activity/legal-basis';
import { SUPERVISORY_AUTHORITIES } from '../supervisory-authority/supervisory-authority.reference';
import { BreachNoticePhase, BreachRisk } from './breach.entity';
import { authoritiesOwed, authorityDueAtOf, impactOf, noticesOf, residenceStates, subjectsDueAtOf, type ImpactFacts } from './breach.rules';

const flow = (activityKey: string, categoryKey: string, processorKey: string, destinationCode: string): DataFlow => ({
  activityKey, categoryKey, processorKey, destinationCode,
  purposeKey: 'p', retentionKey: null, legalBasis: LegalBasis.CONTRACT, thirdCountry: destinationCode !== 'DE', regulatedTransfer: destinationCode !== 'DE',
  mechanism: null, reference: null, safeguarded: true, transferProblem: null, pending: false, effectiveFrom: null, path: [],
});

const facts = (overrides: Partial<ImpactFacts>): ImpactFacts => ({
  processors: [],
  activities: [],
  flows: [flow('hosting', 'contact', 'cloud', 'US'), flow('hosting', 'health', 'cloud', 'DE'), flow('payments', 'financial', 'bank', 'GB')],
  categoriesOf: (activity) => ({ hosting: ['contact', 'health'], payments: ['financial'], research: ['usage'] })[activity] ?? [],
  subjectTypesOf: (activity) => ({ hosting: ['student'], payments: ['customer'], research: ['student'] })[activity] ?? [],
  isSpecialCategory: (category) => category === 'health',
  involvesChildren: (activity) => activity !== 'payments',
  minimumAge: 13,
  ...overrides,
});

describe('impactOf', () => {
  it('follows the flows through an involved processor', () => {
    expect(impactOf(facts({ processors: ['cloud'] }))).toEqual({
      processorKeys: ['cloud'],
      activityKeys: ['hosting'],
      categoryKeys: ['contact', 'health'],
      subjectTypeKeys: ['student'],
      countryCodes: ['DE', 'US'],
      specialCategoryData: true,
      childrenData: true,
      scheduled: [],
    });
  });

  it("keeps an activity's own data when no processor receives it", () => {
    expect(impactOf(facts({ activities: ['research'] }))).toEqual({
      processorKeys: [],
      activityKeys: ['research'],
      categoryKeys: ['usage'],
      subjectTypeKeys: ['student'],
      countryCodes: [],
      specialCategoryData: false,
      childrenData: true,
      scheduled: [],
    });
  });

  it('flags children only for an activity recorded with children, when the platform admits minors, and nothing when nothing is involved', () => {
    expect(impactOf(facts({ activities: ['payments'] }))).toMatchObject({ processorKeys: ['bank'], childrenData: false, specialCategoryData: false });
    expect(impactOf(facts({ activities: ['research'], minimumAge: 18 }))).toMatchObject({ activityKeys: ['research'], childrenData: false });
    expect(impactOf(facts({ activities: ['payments', 'research'] }))).toMatchObject({ childrenData: true });
    expect(impactOf(facts({}))).toEqual({
      processorKeys: [], activityKeys: [], categoryKeys: [], subjectTypeKeys: [], countryCodes: [], specialCategoryData: false, childrenData: false, scheduled: [],
    });
  });
});

describe('impactOf along sub-processor chains', () => {
  // hosting -> cloud (US) -> its own host (IN): a flow for each route, the two-hop one ending in India.
  const hop = (fromKey: string | null, toKey: string, destinationCode: string) => ({
    fromKey, toKey, destinationCode, mechanism: null, reference: null, safeguarded: true, transferProblem: null, sccModule: null, regulatedTransfer: destinationCode !== 'DE',
  });
  const direct = { ...flow('hosting', 'contact', 'cloud', 'US'), path: [hop(null, 'cloud', 'US')] };
  const chained = { ...flow('hosting', 'contact', 'cloud-host', 'IN'), path: [hop(null, 'cloud', 'US'), hop('cloud', 'cloud-host', 'IN')] };
  const chainFacts = (overrides: Partial<ImpactFacts>) => facts({ flows: [direct, chained, flow('payments', 'financial', 'bank', 'GB')], ...overrides });

  it('a breach at a processor reaches the sub-processors that hold its data, and their countries', () => {
    const impact = impactOf(chainFacts({ processors: ['cloud'] }));
    expect([impact.processorKeys, impact.countryCodes]).toEqual([['cloud', 'cloud-host'], ['IN', 'US']]);
  });

  it('a breach at a sub-processor names every recipient and country on the way to it, its engager included', () => {
    const impact = impactOf(chainFacts({ processors: ['cloud-host'] }));
    expect([impact.processorKeys, impact.activityKeys, impact.countryCodes]).toEqual([['cloud', 'cloud-host'], ['hosting'], ['IN', 'US']]);
  });

  it('a breach of an activity reaches every hop of its chains', () => {
    const impact = impactOf(chainFacts({ activities: ['hosting'] }));
    expect([impact.processorKeys, impact.countryCodes]).toEqual([['cloud', 'cloud-host'], ['IN', 'US']]);
  });
});

describe('impactOf with recipients in their notice period', () => {
  it('shows a pending recipient as scheduled "from <date>", not as affected', () => {
    const from = new Date('2027-07-01T00:00:00Z');
    const pending = { ...flow('hosting', 'contact', 'cloud', 'IN'), pending: true, effectiveFrom: from };
    const impact = impactOf(facts({ processors: ['cloud'], flows: [flow('hosting', 'contact', 'cloud', 'US'), pending] }));
    expect([impact.countryCodes, impact.scheduled]).toEqual([['US'], [{ processorKey: 'cloud', countryCode: 'IN', from }]]);
  });
});

describe('the clocks of a breach', () => {
  const aware = new Date('2027-05-10T08:00:00Z');
  it.each([
    ['from awareness', null, '2027-05-13T08:00:00.000Z'],
    ['from the processor\'s notice, when it came first (EDPB Guidelines 9/2022, II.A.4)', new Date('2027-05-09T20:00:00Z'), '2027-05-12T20:00:00.000Z'],
    ['from awareness, when the processor told the company later', new Date('2027-05-10T09:00:00Z'), '2027-05-13T08:00:00.000Z'],
  ])('runs 72 hours %s', (_case, processorNotifiedAt, due) => {
    expect(authorityDueAtOf(aware, processorNotifiedAt).toISOString()).toBe(due);
  });

  it('owes the people a notice for RISK and HIGH_RISK, not for NONE', () => {
    expect([BreachRisk.NONE, BreachRisk.RISK, BreachRisk.HIGH_RISK].map((risk) => subjectsDueAtOf(risk, aware)?.toISOString() ?? null)).toEqual([
      null,
      '2027-05-13T08:00:00.000Z',
      '2027-05-13T08:00:00.000Z',
    ]);
  });
});

describe('the authorities owed', () => {
  const memberStateOf = (country: string) => ({ RE: 'FR', AX: 'FI' } as Record<string, string>)[country] ?? null;
  it('reads residence codes as states: subdivisions for their country, EEA territories for their member state', () => {
    expect(residenceStates(['es-ct', 'RE', 'AX', 'GB-SCT', 'FR'], memberStateOf)).toEqual(['ES', 'FI', 'FR', 'GB']);
  });

  it.each([
    [BreachRisk.NONE, []],
    [BreachRisk.RISK, ['DE-BFDI', 'GB-ICO']],
    [BreachRisk.HIGH_RISK, ['CH-FDPIC', 'DE-BFDI', 'GB-ICO']],
  ])('at %s: %j', (risk, codes) => {
    expect(authoritiesOwed(['DE', 'GB', 'CH', 'US'], risk).map((entry) => entry.code)).toEqual(codes);
  });

  it('has one authority for each of the 30 EEA states, GB and CH, each with its law and sources', () => {
    expect(SUPERVISORY_AUTHORITIES).toHaveLength(32);
    expect(new Set(SUPERVISORY_AUTHORITIES.map((entry) => entry.country)).size).toBe(32);
    for (const entry of SUPERVISORY_AUTHORITIES) expect([entry.law.length > 20, entry.sources.length > 0]).toEqual([true, true]);
  });

  it('lists one notice per authority owed or told, with the INITIAL notice and the latest phase', () => {
    const owed = authoritiesOwed(['FR', 'DE'], BreachRisk.RISK);
    const at = (iso: string) => new Date(iso);
    const sent = [
      { authorityCode: 'FR-CNIL', phase: BreachNoticePhase.INITIAL, notifiedAt: at('2027-05-11T00:00:00Z'), lateReason: null, reference: null },
      { authorityCode: 'FR-CNIL', phase: BreachNoticePhase.FOLLOW_UP, notifiedAt: at('2027-05-12T00:00:00Z'), lateReason: null, reference: 'C-1' },
      { authorityCode: 'GB-ICO', phase: BreachNoticePhase.INITIAL, notifiedAt: at('2027-05-11T00:00:00Z'), lateReason: null, reference: null },
    ];
    const byCode = new Map(SUPERVISORY_AUTHORITIES.map((entry) => [entry.code, entry]));
    const notices = noticesOf(owed, sent, at('2027-05-13T08:00:00Z'), (code) => byCode.get(code) ?? null, (entry) => entry.code as never);
    expect(notices.map((n) => [n.authority, n.owed, n.dueAt?.toISOString() ?? null, n.notifiedAt?.toISOString() ?? null, n.phase, n.reference])).toEqual([
      ['DE-BFDI', true, '2027-05-13T08:00:00.000Z', null, null, null],
      ['FR-CNIL', true, '2027-05-13T08:00:00.000Z', '2027-05-11T00:00:00.000Z', BreachNoticePhase.FOLLOW_UP, 'C-1'],
      ['GB-ICO', false, null, '2027-05-11T00:00:00.000Z', BreachNoticePhase.INITIAL, null],
    ]);
  });
});
