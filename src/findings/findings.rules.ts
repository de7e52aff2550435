import { registerEnumType } from 'type-graphql';
import { AdequacyScope } from '../country/country.entity';
import { manifestSchema, type Manifest, type ManifestProcessor } from '../manifest/manifest.schema';
import { DPIA_THRESHOLD, dpiaCriteriaOf } from '../processing-activity/dpia-criterion';
import { LegalBasis } from '../processing-activity/legal-basis';
import { ProcessorStatus } from '../processor/processor.entity';
import {
  CONTROLLER_TO_PROCESSOR,
  countryLabel,
  headquartersFlawMessage,
  judgeTransfer,
  transferLocations,
  type CountryStanding,
} from '../processor/transfer-rules';

export enum FindingSeverity {
  ERROR = 'ERROR',
  WARNING = 'WARNING',
  INFO = 'INFO',
}

registerEnumType(FindingSeverity, {
  name: 'FindingSeverity',
  description: 'How much a finding matters.',
  valuesConfig: {
    ERROR: { description: 'The map describes processing that is unlawful or undocumented as the GDPR requires: fix it.' },
    WARNING: { description: 'A gap the privacy officer should close or justify.' },
    INFO: { description: 'Worth knowing; nothing is wrong.' },
  },
});

export type FindingEntityType =
  | 'Organization'
  | 'Processor'
  | 'ProcessingActivity'
  | 'DataCategory'
  | 'CollectionPoint'
  | 'Country'
  | 'RightsRequest'
  | 'Breach'
  | 'Vendor';

export interface FindingEntityRef {
  type: FindingEntityType;
  key: string;
}

export interface Finding {
  severity: FindingSeverity;
  /** A stable id, such as `transfer-without-safeguard`. */
  rule: string;
  message: string;
  entities: FindingEntityRef[];
  /** What to change so that the finding goes away. */
  fix: string;
}

/** The rules, with their severity and what they check; the README lists them. */
export const RULES = {
  'transfer-without-safeguard': { severity: FindingSeverity.ERROR, about: 'a third-country location with no valid transfer mechanism' },
  'active-processor-without-dpa': { severity: FindingSeverity.ERROR, about: 'an ACTIVE processor without a DPA reference' },
  'activity-without-retention': { severity: FindingSeverity.WARNING, about: 'an activity without a retention rule' },
  'consent-activity-without-consent': { severity: FindingSeverity.ERROR, about: 'a CONSENT activity without a consent key' },
  'collected-category-unused': { severity: FindingSeverity.WARNING, about: 'a collected category that no activity uses' },
  'processor-category-outside-activities': {
    severity: FindingSeverity.WARNING,
    about: 'a processor that receives a category which none of its activities uses',
  },
  'systematic-derogation': {
    severity: FindingSeverity.WARNING,
    about: "an Art. 49 derogation carrying a processor's regular processing (EDPB Guidelines 2/2018)",
  },
  'dpf-review-overdue': { severity: FindingSeverity.WARNING, about: 'a US adequacy claim whose DPF certification review date has passed' },
  'representative-not-recorded': {
    severity: FindingSeverity.WARNING,
    about: 'a controller outside the Union without a recorded representative (Art. 27, Art. 30(1)(a))',
  },
  'dpia-indicated': { severity: FindingSeverity.WARNING, about: 'an activity meeting two or more WP248 criteria without a recorded DPIA (Art. 35)' },
  'special-category-without-condition': {
    severity: FindingSeverity.ERROR,
    about: 'an activity using a special category (Art. 9(1)) without an Art. 9(2) condition',
  },
  'processor-awaiting-review': { severity: FindingSeverity.INFO, about: 'a PROPOSED processor awaiting the privacy officer' },
  'rights-request-overdue': { severity: FindingSeverity.ERROR, about: 'an open rights request past its deadline' },
  'rights-request-due-soon': { severity: FindingSeverity.WARNING, about: 'an open rights request due within 5 days' },
  'rights-request-promise-missed': {
    severity: FindingSeverity.WARNING,
    about: "an open rights request past the privacy policy's 30 days, though within the law's deadline",
  },
  'breach-authority-notice-overdue': {
    severity: FindingSeverity.ERROR,
    about: 'a notifiable breach not reported within 72 hours to every supervisory authority it owes a notice',
  },
  'breach-subject-notice-overdue': {
    severity: FindingSeverity.ERROR,
    about: 'a breach posing a risk whose people were not told within 72 hours (the policy; Art. 34 for a high risk)',
  },
  'processor-change-objection-due': {
    severity: FindingSeverity.WARNING,
    about: "a processor's notice of change (Art. 28(2)) undecided with its objection deadline within 5 days or passed",
  },
  'undeclared-recipient': { severity: FindingSeverity.ERROR, about: 'a vendor the code calls (evidence) with no ACTIVE processor' },
  'undeclared-category': {
    severity: FindingSeverity.WARNING,
    about: 'data the code sends a processor (evidence) of a category it is not declared for',
  },
  'unobserved-processor': { severity: FindingSeverity.INFO, about: "an ACTIVE processor that no repository's evidence shows" },
} as const;

export type RuleId = keyof typeof RULES;

const finding = (rule: RuleId, message: string, entities: FindingEntityRef[], fix: string): Finding => ({
  severity: RULES[rule].severity,
  rule,
  message,
  entities,
  fix,
});

/** `contact` and `contact.email` are related: one covers the other. */
function related(a: string, b: string): boolean {
  return a === b || b.startsWith(`${a}.`) || a.startsWith(`${b}.`);
}

/** Processors that receive or may soon receive data: rejected and retired ones receive nothing. */
const inPlay = (status: ProcessorStatus) => status === ProcessorStatus.ACTIVE || status === ProcessorStatus.PROPOSED;

const SEVERITY_ORDER = [FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO];

/**
 * Checks a data map, given as a manifest (an export of the database, or a file), against the rules. `countries`
 * gives the standing of every country its processors use; an unknown one counts as having no adequacy.
 */
export function lintMap(map: Manifest, countries: ReadonlyMap<string, CountryStanding>, today: string | null = null): Finding[] {
  const findings: Finding[] = [];
  const activities = new Map(map.activities.map((a) => [a.key, a]));
  const standingOf = (code: string): CountryStanding => countries.get(code) ?? { code, inEEA: false, adequacy: AdequacyScope.NONE };

  const organization = map.organization;
  if (organization && !standingOf(organization.country).inEEA && !organization.representative) {
    findings.push(
      finding(
        'representative-not-recorded',
        `${organization.key} is established in ${countryLabel(standingOf(organization.country))}, outside the Union, and ` +
          `offers its services to people in the Union (Art. 3(2)(a)), but no representative in the Union is recorded ` +
          `(Art. 27(1)); the record of processing must name it (Art. 30(1)(a))`,
        [{ type: 'Organization', key: organization.key }],
        'designate a representative in a member state where the people whose data is processed are, and record it ' +
          '(organization.representative); or record why Art. 27(2) exempts the processing',
      ),
    );
  }
  const specialCategories = map.dataCategories.filter((c) => c.specialCategory).map((c) => c.key);

  for (const processor of map.processors.filter((p) => inPlay(p.status))) {
    const self: FindingEntityRef = { type: 'Processor', key: processor.key };
    // The one judgment of each transfer; a processor without locations is judged at its headquarters.
    for (const location of transferLocations(processor.headquarters, processor.locations)) {
      const country = standingOf(location.country);
      const where: FindingEntityRef = { type: 'Country', key: location.country };
      const judgment = judgeTransfer({ ...CONTROLLER_TO_PROCESSOR, destination: country, ...location, today });
      if (judgment.flaw) {
        const problem = location.atHeadquarters ? headquartersFlawMessage(country, judgment.flaw) : judgment.flaw.message;
        findings.push(
          finding(
            'transfer-without-safeguard',
            `${processor.key} processes data in ${location.country} without a valid transfer mechanism: ${problem}`,
            [self, where],
            location.atHeadquarters
              ? `record where ${processor.key} processes data, each location with its transfer mechanism`
              : 'record an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES with its module) for this location, or stop the transfer',
          ),
        );
      }
      for (const caution of judgment.cautions) {
        findings.push(finding(caution.rule, `${processor.key} in ${location.country}: ${caution.message}`, [self, where], caution.fix));
      }
    }

    if (processor.status === ProcessorStatus.ACTIVE && !processor.dpaReference) {
      findings.push(
        finding(
          'active-processor-without-dpa',
          `${processor.key} is ACTIVE without a data processing agreement (GDPR Art. 28(3))`,
          [self],
          `sign a DPA with ${processor.name} and record it as dpaReference`,
        ),
      );
    }
    if (processor.status === ProcessorStatus.PROPOSED) {
      findings.push(
        finding(
          'processor-awaiting-review',
          `${processor.key} is PROPOSED and receives no data until a privacy officer approves it`,
          [self],
          'a PRIVACY_OFFICER approves it (approveProcessor) or rejects it (rejectProcessor)',
        ),
      );
    }

    const served = processor.activities.flatMap((key) => activities.get(key)?.dataCategories ?? []);
    for (const category of processor.dataCategories) {
      if (served.some((used) => related(used, category))) continue;
      findings.push(
        finding(
          'processor-category-outside-activities',
          `${processor.key} receives ${category}, which none of its activities (${processor.activities.join(', ') || 'none'}) uses`,
          [self, { type: 'DataCategory', key: category }],
          `stop sending ${category} to ${processor.key}, or link it to the activity that needs it`,
        ),
      );
    }
  }

  for (const activity of map.activities) {
    const self: FindingEntityRef = { type: 'ProcessingActivity', key: activity.key };
    if (!activity.retention) {
      findings.push(
        finding(
          'activity-without-retention',
          `${activity.key} has no retention rule: the record of processing cannot say how long its data is kept`,
          [self],
          `give ${activity.key} a retention rule (retention: <key of a retention rule>)`,
        ),
      );
    }
    const special = activity.dataCategories.filter((key) => specialCategories.some((s) => related(s, key)));
    if (special.length > 0 && !activity.specialCategoryCondition) {
      findings.push(
        finding(
          'special-category-without-condition',
          `${activity.key} uses special categories of data (${special.join(', ')}), which Art. 9(1) prohibits unless an Art. 9(2) condition applies, and records none`,
          [self, ...special.map((key) => ({ type: 'DataCategory' as const, key }))],
          `record the Art. 9(2) condition ${activity.key} relies on (specialCategoryCondition), or stop using ${special.join(', ')}`,
        ),
      );
    }
    const criteria = dpiaCriteriaOf(activity);
    if (criteria.length >= DPIA_THRESHOLD && !activity.dpia) {
      findings.push(
        finding(
          'dpia-indicated',
          `${activity.key} meets ${criteria.length} WP248 criteria (${criteria.join(', ')}${activity.children ? '; it processes children\'s data' : ''}): ` +
            `processing likely to result in a high risk, for which Art. 35(1) requires a data protection impact assessment`,
          [self],
          `carry out a DPIA for ${activity.key} and record its reference (dpia), or correct the criteria recorded`,
        ),
      );
    }
    if (activity.legalBasis === LegalBasis.CONSENT && !activity.requiredConsent) {
      findings.push(
        finding(
          'consent-activity-without-consent',
          `${activity.key} relies on CONSENT but names no consent, so no one can tell whether a person gave it`,
          [self],
          `set requiredConsent to the consent a person grants for ${activity.key}, or choose another legal basis`,
        ),
      );
    }
  }

  const collectedBy = new Map<string, string[]>();
  for (const point of map.collectionPoints) {
    for (const category of point.categories) collectedBy.set(category, [...(collectedBy.get(category) ?? []), point.key]);
  }
  const used = map.activities.flatMap((a) => a.dataCategories);
  for (const [category, points] of collectedBy) {
    if (used.some((u) => related(u, category))) continue;
    findings.push(
      finding(
        'collected-category-unused',
        `${category} is collected (${points.join(', ')}) but no activity uses it: data minimisation (Art. 5(1)(c))`,
        [{ type: 'DataCategory', key: category }, ...points.map((key) => ({ type: 'CollectionPoint' as const, key }))],
        `stop collecting ${category}, or record the activity that uses it`,
      ),
    );
  }

  return sortFindings(findings);
}

/** Errors first, then warnings, then information; within a severity by rule, then by the first entity. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      a.rule.localeCompare(b.rule) ||
      a.entities[0].key.localeCompare(b.entities[0].key),
  );
}

/**
 * The findings one processor has by the rules that concern it alone (transfers, DPA, review), as `lintMap` finds
 * them: what approving it checks first, so that review cannot let through what the lint reports as an ERROR.
 */
export function lintProcessor(processor: ManifestProcessor, countries: ReadonlyMap<string, CountryStanding>): Finding[] {
  const map = manifestSchema.parse({ apiVersion: 'datamap/v1' });
  map.processors.push(processor);
  return lintMap(map, countries).filter((f) => f.entities.some((e) => e.type === 'Processor' && e.key === processor.key));
}
