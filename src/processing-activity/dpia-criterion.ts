import { registerEnumType } from 'type-graphql';

/**
 * The criteria of the Article 29 Working Party's DPIA guidelines (WP248 rev.01, endorsed by the EDPB) that the
 * map records. Processing that meets two or more of them is likely to need a DPIA (Art. 35(1)).
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
  },
});

/** Two or more criteria indicate a DPIA (WP248 rev.01, section III.B.a). */
export const DPIA_THRESHOLD = 2;

/** The criteria an activity meets: those recorded, plus vulnerable subjects when it processes children's data. */
export function dpiaCriteriaOf(activity: { dpiaCriteria?: readonly DpiaCriterion[] | null; children?: boolean | null }): DpiaCriterion[] {
  const met = new Set(activity.dpiaCriteria ?? []);
  if (activity.children) met.add(DpiaCriterion.VULNERABLE_SUBJECTS);
  return Object.values(DpiaCriterion).filter((criterion) => met.has(criterion));
}
