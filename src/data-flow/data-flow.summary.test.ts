import { AdequacyScope } from '../country/country.entity';
import { TransferMechanism } from '../processor/transfer-mechanism';
import type { LocationRow, SummaryRow } from './data-flow.sql';
import { judgeLocations, summaryDepth, summaryGraph } from './data-flow.summary';
import { ProcessorGrouping } from './data-flow.types';
import { Regime } from '../country/regime';
import { judgeUnder } from './data-flow.rules';

const location = (processorKey: string, destinationCode: string, facts: Partial<LocationRow> = {}): LocationRow => ({
  processorKey, destinationCode, mechanism: null, reference: null, dpfCertification: null, dpfReviewDue: null,
  inEEA: false, adequacy: AdequacyScope.NONE, adequacyNote: null, ...facts,
});

describe('judgeLocations', () => {
  const rows = [
    location('eu-host', 'DE', { inEEA: true }),
    location('scc-vendor', 'IN', { mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' }),
    location('bare-vendor', 'IN'),
    location('swiss', 'CH', { adequacy: AdequacyScope.FULL }),
    // A US adequacy claim without a DPF certification is not a safeguard (the one transfer judgment says so).
    location('us-claim', 'US', { mechanism: TransferMechanism.ADEQUACY_DECISION, adequacy: AdequacyScope.PARTIAL }),
  ];

  it.each([
    [ProcessorGrouping.COUNTRY, ['DE', 'IN', 'IN', 'CH', 'US']],
    [ProcessorGrouping.SAFEGUARD, ['EEA', 'STANDARD_CONTRACTUAL_CLAUSES', 'NO_SAFEGUARD', 'ADEQUACY_DECISION', 'NO_SAFEGUARD']],
  ])('puts each destination in its group when grouping by %s, judged once', (grouping, groups) => {
    expect(judgeLocations(rows, grouping)).toEqual({
      processors: ['eu-host', 'scc-vendor', 'bare-vendor', 'swiss', 'us-claim'],
      destinations: ['DE', 'IN', 'IN', 'CH', 'US'],
      groups,
      safeguarded: [true, true, false, true, false],
    });
  });
});

describe('judgeLocations under another regime', () => {
  it('groups the destinations inside the regime\'s territory apart, and judges the rest with its facts', () => {
    const rows = [location('eu-host', 'DE', { inEEA: true }), location('uk-host', 'GB', { adequacy: AdequacyScope.FULL })];
    const adequateFromTheUk = { adequacy: AdequacyScope.FULL, adequacyNote: null, adequacySince: null };
    const judged = judgeLocations(rows, ProcessorGrouping.SAFEGUARD, Regime.UK_GDPR, (row) =>
      judgeUnder(Regime.UK_GDPR, row, row.destinationCode === 'DE'
        ? { processorKey: row.processorKey, destinationCode: 'DE', mechanism: null, reference: null, dpfCertification: null, dpfReviewDue: null, ...adequateFromTheUk, tiaReference: null, tiaAssessedAt: null, tiaOutcome: null }
        : null),
    );
    expect(judged).toEqual({ processors: ['eu-host', 'uk-host'], destinations: ['DE', 'GB'], groups: ['ADEQUACY_DECISION', 'UK'], safeguarded: [true, true] });
  });
});

describe('summaryDepth', () => {
  it.each([
    [null, 1],
    [[], 1],
    [['contact'], 2],
    [['contact.email', 'usage'], 2],
    [['a.b.c'], 4],
  ])('cuts keys one level below the shallowest of %j: %i', (keys, depth) => {
    expect(summaryDepth(keys)).toBe(depth);
  });
});

describe('summaryGraph', () => {
  const row: SummaryRow = {
    categories: [{ key: 'contact', members: 3, flows: 7, unsafeguarded: 2 }, { key: 'usage', members: 1, flows: 2, unsafeguarded: 0 }],
    purposes: [{ key: 'marketing', members: 4, flows: 9, unsafeguarded: 2 }],
    groups: [{ key: 'DE', members: 2, flows: 5, unsafeguarded: 0 }, { key: 'IN', members: 1, flows: 4, unsafeguarded: 2 }],
    countries: [{ key: 'DE', members: 2, flows: 5, unsafeguarded: 0 }, { key: 'IN', members: 1, flows: 4, unsafeguarded: 2 }],
    categoryPurpose: [{ from: 'contact', to: 'marketing', flows: 7, unsafeguarded: 2 }, { from: 'usage', to: 'marketing', flows: 2, unsafeguarded: 0 }],
    purposeGroup: [{ from: 'marketing', to: 'DE', flows: 5, unsafeguarded: 0 }, { from: 'marketing', to: 'IN', flows: 4, unsafeguarded: 2 }],
    groupCountry: [{ from: 'DE', to: 'DE', flows: 5, unsafeguarded: 0 }, { from: 'IN', to: 'IN', flows: 4, unsafeguarded: 2 }],
    size: { categories: 4, activities: 4, processors: 3, countries: 2, edges: 20, flows: 9 },
  };

  it('grouped by country: categories -> purposes -> countries\' processors, the transfer without safeguard dashed into its group', () => {
    const graph = summaryGraph(row, ProcessorGrouping.COUNTRY);
    expect(graph.nodes.map((node) => [node.id, node.count, node.flows, node.classes, node.filterField])).toEqual([
      ['category:contact', 3, 7, ['group'], 'categories'],
      ['category:usage', 1, 2, [], 'categories'],
      ['purpose:marketing', 4, 9, ['group'], 'purposes'],
      ['processor-group:DE', 2, 5, ['group'], 'destinations'],
      ['processor-group:IN', 1, 4, ['unsafeguarded'], 'destinations'],
    ]);
    expect(graph.edges.map((edge) => [edge.from, edge.to, edge.kind, edge.flows, edge.safeguarded, edge.label])).toEqual([
      ['category:contact', 'purpose:marketing', 'USED_BY', 7, true, '7 flows'],
      ['category:usage', 'purpose:marketing', 'USED_BY', 2, true, '2 flows'],
      ['purpose:marketing', 'processor-group:DE', 'PROCESSED_BY', 5, true, '5 flows'],
      ['purpose:marketing', 'processor-group:IN', 'PROCESSED_BY', 4, false, '4 flows, 2 without safeguard'],
    ]);
  });

  it('grouped by safeguard: the groups, then the countries they process in; the transfer is the edge into the country', () => {
    const bySafeguard = { ...row, groups: [{ key: 'EEA', members: 2, flows: 5, unsafeguarded: 0 }, { key: 'NO_SAFEGUARD', members: 1, flows: 4, unsafeguarded: 4 }],
      purposeGroup: [{ from: 'marketing', to: 'EEA', flows: 5, unsafeguarded: 0 }, { from: 'marketing', to: 'NO_SAFEGUARD', flows: 4, unsafeguarded: 4 }],
      groupCountry: [{ from: 'EEA', to: 'DE', flows: 5, unsafeguarded: 0 }, { from: 'NO_SAFEGUARD', to: 'IN', flows: 4, unsafeguarded: 4 }] };
    const graph = summaryGraph(bySafeguard, ProcessorGrouping.SAFEGUARD);
    expect(graph.nodes.map((node) => [node.id, node.classes, node.filterField])).toEqual([
      ['category:contact', ['group'], 'categories'],
      ['category:usage', [], 'categories'],
      ['purpose:marketing', ['group'], 'purposes'],
      ['processor-group:EEA', ['group'], null],
      ['processor-group:NO_SAFEGUARD', ['unsafeguarded'], null],
      ['country:DE', ['group'], 'destinations'],
      ['country:IN', [], 'destinations'],
    ]);
    expect(graph.edges.filter((edge) => !edge.safeguarded).map((edge) => [edge.from, edge.to, edge.kind, edge.label])).toEqual([
      ['processor-group:NO_SAFEGUARD', 'country:IN', 'PROCESSED_IN', '4 flows, 4 without safeguard'],
    ]);
  });
});
