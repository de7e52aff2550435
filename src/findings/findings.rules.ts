import { registerEnumType } from 'type-graphql';
import { AdequacyScope } from '../country/country.entity';
import { manifestSchema, type Manifest, type ManifestProcessor } from '../manifest/manifest.schema';
import { LegalBasis } from '../processing-activity/legal-basis';
import { ProcessorStatus } from '../processor/processor.entity';
import { TransferMechanism } from '../processor/transfer-mechanism';
import { isDpfReference, transferStatus, type CountryStanding } from '../processor/transfer-rules';

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

export type FindingEntityType = 'Processor' | 'ProcessingActivity' | 'DataCategory' | 'CollectionPoint' | 'Country' | 'RightsRequest' | 'Breach';

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
  'us-adequacy-without-dpf': { severity: FindingSeverity.ERROR, about: 'a US location relying on ADEQUACY_DECISION without a DPF reference' },
  'processor-awaiting-review': { severity: FindingSeverity.INFO, about: 'a PROPOSED processor awaiting the privacy officer' },
  'rights-request-overdue': { severity: FindingSeverity.ERROR, about: 'an open rights request past its deadline' },
  'rights-request-due-soon': { severity: FindingSeverity.WARNING, about: 'an open rights request due within 5 days' },
  'breach-authority-notice-overdue': {
    severity: FindingSeverity.ERROR,
    about: 'a notifiable breach not reported to the supervisory authority within 72 hours',
  },
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
export function lintMap(map: Manifest, countries: ReadonlyMap<string, CountryStanding>): Finding[] {
  const findings: Finding[] = [];
  const activities = new Map(map.activities.map((a) => [a.key, a]));

  for (const processor of map.processors.filter((p) => inPlay(p.status))) {
    const self: FindingEntityRef = { type: 'Processor', key: processor.key };
    for (const location of processor.locations) {
      const country = countries.get(location.country) ?? { code: location.country, inEEA: false, adequacy: AdequacyScope.NONE };
      const where: FindingEntityRef = { type: 'Country', key: location.country };
      if (location.country === 'US' && location.mechanism === TransferMechanism.ADEQUACY_DECISION && !isDpfReference(location.reference)) {
        findings.push(
          finding(
            'us-adequacy-without-dpf',
            `${processor.key} relies on ADEQUACY_DECISION for the US with reference ${JSON.stringify(location.reference ?? null)}, ` +
              `but the US decision covers only organisations certified under the EU-US Data Privacy Framework`,
            [self, where],
            `confirm the recipient's DPF certification and name it in the reference (e.g. "EU-US Data Privacy Framework"), ` +
              `or rely on STANDARD_CONTRACTUAL_CLAUSES`,
          ),
        );
        continue;
      }
      const status = transferStatus(country, location.mechanism ?? null, location.reference ?? null);
      if (status.thirdCountry && !status.safeguarded) {
        findings.push(
          finding(
            'transfer-without-safeguard',
            `${processor.key} processes data in ${location.country} without a valid transfer mechanism: ${status.problem}`,
            [self, where],
            'record an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES with its reference) for this location, or stop the transfer',
          ),
        );
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
