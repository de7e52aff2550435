import { registerEnumType } from 'type-graphql';

/**
 * The nine criteria of the Article 29 Working Party's DPIA guidelines (WP248 rev.01, section III.B.a, endorsed by
 * the EDPB). Processing that meets two or more of them is likely to need a DPIA (Art. 35(1)).
 */
export enum DpiaCriterion {
  /** WP248 criterion 7: vulnerable data subjects, such as children. Also implied by an activity's `children` flag. */
  VULNERABLE_SUBJECTS = 'VULNERABLE_SUBJECTS',
  /** WP248 criterion 3: systematic monitoring, such as tracking behaviour online. */
  SYSTEMATIC_MONITORING = 'SYSTEMATIC_MONITORING',
  /** WP248 criterion 1: evaluation or scoring, including profiling and predicting (Art. 4(4)). */
  PROFILING = 'PROFILING',
  /** WP248 criterion 5: data processed on a large scale. */
  LARGE_SCALE = 'LARGE_SCALE',
  /** WP248 criterion 8: innovative use or new technological or organisational solutions. */
  NEW_TECHNOLOGY = 'NEW_TECHNOLOGY',
  /** WP248 criterion 2: automated decision-making with legal or similarly significant effect (Art. 22). */
  AUTOMATED_DECISIONS = 'AUTOMATED_DECISIONS',
  /** WP248 criterion 4: sensitive data or data of a highly personal nature. Implied by a special category used. */
  SENSITIVE_DATA = 'SENSITIVE_DATA',
  /** WP248 criterion 6: matching or combining datasets from different operations or controllers. */
  DATASET_MATCHING = 'DATASET_MATCHING',
  /** WP248 criterion 9: processing that prevents people from exercising a right or using a service or contract. */
  PREVENTS_RIGHT_OR_SERVICE = 'PREVENTS_RIGHT_OR_SERVICE',
}

registerEnumType(DpiaCriterion, {
  name: 'DpiaCriterion',
  description: 'A criterion of the WP248 DPIA guidelines; two or more indicate a DPIA (GDPR Art. 35).',
  valuesConfig: {
    VULNERABLE_SUBJECTS: { description: 'WP248 criterion 7: vulnerable data subjects, such as children.' },
    SYSTEMATIC_MONITORING: { description: 'WP248 criterion 3: systematic monitoring of people.' },
    PROFILING: { description: 'WP248 criterion 1: evaluation or scoring, including profiling (Art. 4(4); Art. 21 and 22 apply).' },
    LARGE_SCALE: { description: 'WP248 criterion 5: large-scale processing.' },
    NEW_TECHNOLOGY: { description: 'WP248 criterion 8: innovative use of new technology.' },
    AUTOMATED_DECISIONS: { description: 'WP248 criterion 2: automated decision-making with legal or similarly significant effect (Art. 22).' },
    SENSITIVE_DATA: { description: 'WP248 criterion 4: sensitive data or data of a highly personal nature (counted for every special category used).' },
    DATASET_MATCHING: { description: 'WP248 criterion 6: matching or combining datasets.' },
    PREVENTS_RIGHT_OR_SERVICE: { description: 'WP248 criterion 9: processing that prevents people from exercising a right or using a service or contract.' },
  },
});

/** Two or more criteria indicate a DPIA (WP248 rev.01, section III.B.a). */
export const DPIA_THRESHOLD = 2;

/** An activity as the DPIA rules read it. */
export interface DpiaFacts {
  dpiaCriteria?: readonly DpiaCriterion[] | null;
  children?: boolean | null;
  monitorsPublicArea?: boolean | null;
}

/**
 * The criteria an activity meets: those recorded, plus vulnerable subjects when it processes children's data and
 * sensitive data when it uses a special category (`usesSpecialCategory`), counted without being recorded.
 */
export function dpiaCriteriaOf(activity: DpiaFacts, usesSpecialCategory = false): DpiaCriterion[] {
  const met = new Set(activity.dpiaCriteria ?? []);
  if (activity.children) met.add(DpiaCriterion.VULNERABLE_SUBJECTS);
  if (usesSpecialCategory) met.add(DpiaCriterion.SENSITIVE_DATA);
  return Object.values(DpiaCriterion).filter((criterion) => met.has(criterion));
}

/**
 * The cases of Art. 35(3) an activity falls under, each of which requires a DPIA whatever the count of criteria:
 * (a) systematic and extensive evaluation, including profiling, on which decisions with legal or similarly
 * significant effect are based; (b) large-scale processing of special categories (Art. 9(1)); (c) systematic
 * monitoring of a publicly accessible area on a large scale.
 */
export function dpiaRequiredBy(activity: DpiaFacts, usesSpecialCategory = false): string[] {
  const met = new Set(dpiaCriteriaOf(activity, usesSpecialCategory));
  const cases: string[] = [];
  if (met.has(DpiaCriterion.PROFILING) && met.has(DpiaCriterion.AUTOMATED_DECISIONS)) {
    cases.push('Art. 35(3)(a): evaluation by profiling on which automated decisions with legal or similar effect are based');
  }
  if (usesSpecialCategory && met.has(DpiaCriterion.LARGE_SCALE)) {
    cases.push('Art. 35(3)(b): special categories of data (Art. 9(1)) processed on a large scale');
  }
  if (activity.monitorsPublicArea && met.has(DpiaCriterion.SYSTEMATIC_MONITORING) && met.has(DpiaCriterion.LARGE_SCALE)) {
    cases.push('Art. 35(3)(c): systematic monitoring of a publicly accessible area on a large scale');
  }
  return cases;
}
