import table from '../../seeds/reference/rights-deadlines.json';

/**
 * The rules of the rights-request clock, from `seeds/reference/rights-deadlines.json` (each with its law and
 * sources). The one loader of that file: the clock and the API read the rules from here.
 */

export type PeriodUnit = 'immediate' | 'days' | 'business_days' | 'months' | 'policy';

export interface Period {
  unit: PeriodUnit;
  value?: number;
}

export interface Extension {
  /** 'stated': the controller sets the new date and tells the person (Switzerland). */
  unit: 'days' | 'months' | 'stated';
  value?: number;
}

export interface DeadlineSource {
  title: string;
  url: string | null;
}

export interface RightsDeadlineRule {
  id: string;
  jurisdictions: readonly string[];
  rights: readonly string[];
  /** YYYY-MM-DD: the rule applies to requests received from this day on (UTC). */
  from?: string;
  period: Period;
  extension: Extension | null;
  acknowledgement: { unit: 'days' | 'business_days'; value: number } | null;
  law: string;
  sources: readonly DeadlineSource[];
  verified: boolean;
  uncertainty: string | null;
  assumed: string | null;
}

const UNITS: readonly PeriodUnit[] = ['immediate', 'days', 'business_days', 'months', 'policy'];

/** Checks the file's shape once, at load: a typo in a unit would otherwise give a wrong deadline, not an error. */
function checked(rules: readonly RightsDeadlineRule[]): readonly RightsDeadlineRule[] {
  for (const rule of rules) {
    const counted = rule.period.unit !== 'immediate' && rule.period.unit !== 'policy';
    if (!UNITS.includes(rule.period.unit) || (counted && !Number.isInteger(rule.period.value))) {
      throw new Error(`seeds/reference/rights-deadlines.json: rule ${rule.id} has an unreadable period ${JSON.stringify(rule.period)}`);
    }
    if (rule.extension && rule.extension.unit !== 'stated' && !Number.isInteger(rule.extension.value)) {
      throw new Error(`seeds/reference/rights-deadlines.json: rule ${rule.id} has an unreadable extension ${JSON.stringify(rule.extension)}`);
    }
  }
  const last = rules[rules.length - 1];
  if (!last || !last.jurisdictions.includes('*') || !last.rights.includes('*')) {
    throw new Error('seeds/reference/rights-deadlines.json: the last rule must match every jurisdiction and right');
  }
  return rules;
}

export const RIGHTS_DEADLINE_RULES: readonly RightsDeadlineRule[] = checked(table.rules as RightsDeadlineRule[]);

export function rightsDeadlineRule(id: string): RightsDeadlineRule | null {
  return RIGHTS_DEADLINE_RULES.find((rule) => rule.id === id) ?? null;
}
