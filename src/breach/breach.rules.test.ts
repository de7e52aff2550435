import type { DataFlow } from '../data-flow/data-flow.types';
import { LegalBasis } from '../processing-activity/legal-basis';
import { impactOf, type ImpactFacts } from './breach.rules';

const flow = (activityKey: string, categoryKey: string, processorKey: string, destinationCode: string): DataFlow => ({
  activityKey, categoryKey, processorKey, destinationCode,
  purposeKey: 'p', retentionKey: null, legalBasis: LegalBasis.CONTRACT, thirdCountry: destinationCode !== 'DE',
  mechanism: null, reference: null, safeguarded: true, transferProblem: null, pending: false, effectiveFrom: null,
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
    });
  });

  it('flags children only for an activity recorded with children, when the platform admits minors, and nothing when nothing is involved', () => {
    expect(impactOf(facts({ activities: ['payments'] }))).toMatchObject({ processorKeys: ['bank'], childrenData: false, specialCategoryData: false });
    expect(impactOf(facts({ activities: ['research'], minimumAge: 18 }))).toMatchObject({ activityKeys: ['research'], childrenData: false });
    expect(impactOf(facts({ activities: ['payments', 'research'] }))).toMatchObject({ childrenData: true });
    expect(impactOf(facts({}))).toEqual({
      processorKeys: [], activityKeys: [], categoryKeys: [], subjectTypeKeys: [], countryCodes: [], specialCategoryData: false, childrenData: false,
    });
  });
});
