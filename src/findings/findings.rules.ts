import { registerEnumType } from 'type-graphql';
import { AdequacyScope } from '../country/country.entity';
import { ALL_REGIMES, isInsideRegime, Regime, REGIME_LAWS } from '../country/regime';
import { manifestSchema, type Manifest, type ManifestProcessor } from '../manifest/manifest.schema';
import { DPIA_THRESHOLD, dpiaCriteriaOf, dpiaRequiredBy } from '../processing-activity/dpia-criterion';
import { LegalBasis } from '../processing-activity/legal-basis';
import { ProcessorStatus } from '../processor/processor.entity';
import type { TransferRecords } from '../processor/transfer-impact-assessment.service';
import { hopParties, RecipientRole } from '../processor/recipient-role';
import {
  countryLabel,
  headquartersFlawMessage,
  judgeTransfer,
  safeguardUnder,
  transferLocations,
  type CountryStanding,
  type TransferFlaw,
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
  | 'Vendor'
  | 'DataSubjectType'
  | 'Consent'
  | 'Purpose'
  | 'SecurityMeasure'
  | 'RetentionRule'
  | 'CookieCategory'
  | 'DataSubjectRight'
  | 'RecipientCategory';

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
    severity: FindingSeverity.ERROR,
    about: "an Art. 49 derogation carrying a processor's regular processing: no ground for regular transfers (EDPB Guidelines 2/2018)",
  },
  'dpf-lapsed': { severity: FindingSeverity.ERROR, about: 'a US adequacy claim whose DPF certification is past its review date: not safeguarded' },
  'dpf-review-overdue': {
    severity: FindingSeverity.WARNING,
    about: 'a US adequacy claim whose DPF certification is due for review within DPF_GRACE_DAYS',
  },
  'regime-safeguard-missing': {
    severity: FindingSeverity.WARNING,
    about: 'a location without a safeguard under a served UK or Swiss regime (SERVED_REGIMES)',
  },
  'tia-missing': { severity: FindingSeverity.WARNING, about: 'a transfer on an Art. 46 safeguard without a transfer impact assessment' },
  'tia-stale': {
    severity: FindingSeverity.WARNING,
    about: 'a transfer impact assessment older than TIA_REVIEW_MONTHS, or than the last change of the safeguard',
  },
  'scc-importer-subject-to-gdpr': {
    severity: FindingSeverity.WARNING,
    about: 'SCCs with an importer itself subject to the GDPR under Art. 3(2) (Decision (EU) 2021/914, recital 7)',
  },
  'representative-not-recorded': {
    severity: FindingSeverity.WARNING,
    about: 'a controller outside the Union, the UK or Switzerland without a recorded representative there (GDPR and UK GDPR Art. 27, FADP Art. 14)',
  },
  'sale-or-share-undisclosed': {
    severity: FindingSeverity.ERROR,
    about: 'a recipient marked as a CCPA sale or sharing while the policy states that the organisation does not sell or share (§1798.120, §1798.135)',
  },
  'dpia-indicated': { severity: FindingSeverity.WARNING, about: 'an activity meeting two or more WP248 criteria without a recorded DPIA (Art. 35)' },
  'dpia-required': {
    severity: FindingSeverity.ERROR,
    about: 'an activity in a case of Art. 35(3)(a)-(c) without a recorded DPIA',
  },
  'legal-obligation-without-law': {
    severity: FindingSeverity.ERROR,
    about: 'an activity on LEGAL_OBLIGATION that names no Union or Member State law laying the obligation down (Art. 6(3))',
  },
  'contract-basis-without-contract': {
    severity: FindingSeverity.ERROR,
    about: 'an activity on CONTRACT for a kind of person who has no contract with the controller (Art. 6(1)(b))',
  },
  'provenance-missing': {
    severity: FindingSeverity.WARNING,
    about: 'an entry that names neither its source in the privacy policy nor what it assumes',
  },
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

/** What the rules judge a map with besides the map itself. */
export interface LintContext {
  /** Today as YYYY-MM-DD: lapsed certifications and old assessments are judged against it. Without it, no date is past. */
  today?: string | null;
  /** The regimes whose people the map serves (SERVED_REGIMES); all three when not given. EU_GDPR is always judged. */
  servedRegimes?: readonly Regime[];
  dpfGraceDays?: number;
  tiaReviewMonths?: number;
  /** Transfer impact assessments and safeguard changes; without them, assessments are not judged. */
  records?: TransferRecords;
  /** The roles of engagers the map does not hold (`lintProcessor` judges one processor alone), by key. */
  engagerRoles?: ReadonlyMap<string, RecipientRole>;
}

/** The finding a judgment's flaw is, under each rule a flaw may carry. */
const FLAW_FIX: Record<TransferFlaw['rule'], string> = {
  'transfer-without-safeguard':
    'record an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES with its module) for this location, or stop the transfer',
  'dpf-lapsed':
    'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the renewed review date, or rely on another safeguard',
  'systematic-derogation': 'rely on an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES with its module) for regular transfers',
};

/** What a location should record to be safeguarded under the UK or Swiss regime, for the fix of `regime-safeguard-missing`. */
const REGIME_EXAMPLE: Record<Regime, string> = {
  EU_GDPR: 'STANDARD_CONTRACTUAL_CLAUSES, "SCC 2021/914 module 2"',
  UK_GDPR: 'UK_ADDENDUM, "UK Addendum to SCC 2021/914 module 2", or UK_IDTA',
  SWISS_FADP: 'STANDARD_CONTRACTUAL_CLAUSES, "SCC 2021/914 module 2 with the Swiss adaptations (FADP)"',
};

/** The sections whose entries carry `source` or `assumed`, and the entity type findings name them by. */
const PROVENANCE_SECTIONS: [Exclude<keyof Manifest, 'apiVersion' | 'organization'>, FindingEntityType][] = [
  ['dataCategories', 'DataCategory'],
  ['dataSubjectTypes', 'DataSubjectType'],
  ['consents', 'Consent'],
  ['collectionPoints', 'CollectionPoint'],
  ['purposes', 'Purpose'],
  ['securityMeasures', 'SecurityMeasure'],
  ['retentionRules', 'RetentionRule'],
  ['cookieCategories', 'CookieCategory'],
  ['rights', 'DataSubjectRight'],
  ['recipientCategories', 'RecipientCategory'],
  ['activities', 'ProcessingActivity'],
  ['processors', 'Processor'],
];

/**
 * Checks a data map, given as a manifest (an export of the database, or a file), against the rules. `countries`
 * gives the standing of every country its processors use; an unknown one counts as having no adequacy.
 */
export function lintMap(map: Manifest, countries: ReadonlyMap<string, CountryStanding>, context: LintContext = {}): Finding[] {
  const findings: Finding[] = [];
  const today = context.today ?? null;
  const served = new Set(context.servedRegimes ?? ALL_REGIMES);
  const activities = new Map(map.activities.map((a) => [a.key, a]));
  const standingOf = (code: string): CountryStanding => countries.get(code) ?? { code, inEEA: false, adequacy: AdequacyScope.NONE };

  const organization = map.organization;
  if (organization) findings.push(...representativeFindings(organization, standingOf(organization.country), served));
  const specialCategories = map.dataCategories.filter((c) => c.specialCategory).map((c) => c.key);
  const roles = new Map<string, RecipientRole>([...(context.engagerRoles ?? []), ...map.processors.map((p) => [p.key, p.role] as const)]);

  for (const processor of map.processors.filter((p) => inPlay(p.status))) {
    const self: FindingEntityRef = { type: 'Processor', key: processor.key };
    // Each hop is judged with its own parties: the organisation, or the engager, sends to this recipient.
    const parties = hopParties(processor.engagedBy ? (roles.get(processor.engagedBy) ?? RecipientRole.PROCESSOR) : null, processor.role);
    if (processor.saleOrShare && organization?.noSaleStatement) {
      findings.push(
        finding(
          'sale-or-share-undisclosed',
          `${processor.key} is marked as a "sale" or "sharing" under the CCPA (§1798.140(ad), (ah)), but the policy states: ` +
            `"${organization.noSaleStatement}"`,
          [self, { type: 'Organization', key: organization.key }],
          `stop selling or sharing with ${processor.key}, or disclose it in the policy with the right to opt out (§1798.120, §1798.135) and clear noSaleStatement`,
        ),
      );
    }
    // The one judgment of each transfer, under each regime served; a processor without locations is judged at its
    // headquarters (under the EU regime, whose finding already asks for its locations).
    for (const location of transferLocations(processor.headquarters, processor.locations)) {
      const country = standingOf(location.country);
      const where: FindingEntityRef = { type: 'Country', key: location.country };
      for (const regime of ALL_REGIMES) {
        if (regime !== Regime.EU_GDPR && (!served.has(regime) || location.atHeadquarters)) continue;
        const safeguard = safeguardUnder(location, regime);
        const judgment = judgeTransfer({
          ...parties,
          regime,
          destination: country,
          mechanism: safeguard?.mechanism,
          reference: safeguard?.reference,
          dpf: safeguard?.dpf,
          today,
          dpfGraceDays: context.dpfGraceDays,
          tiaReviewMonths: context.tiaReviewMonths,
          tia: context.records?.tia(processor.key, location.country, regime),
          lastChangedOn: context.records?.lastChangedOn(processor.key, location.country, regime),
          importerSubjectToGdpr: processor.subjectToGdpr,
        });
        const under = regime === Regime.EU_GDPR ? '' : ` under ${regime}`;
        const flaw = judgment.flaw;
        if (flaw && regime !== Regime.EU_GDPR && !safeguard) {
          findings.push(
            finding(
              'regime-safeguard-missing',
              `${processor.key} in ${location.country} records no ${regime} safeguard, so the data of people protected by the ` +
                `${REGIME_LAWS[regime].law}, whom the map serves (SERVED_REGIMES), reaches ${countryLabel(country)} unsafeguarded (${REGIME_LAWS[regime].safeguards})`,
              [self, where],
              `record the location's ${regime} safeguard (locations[].safeguards), such as ${REGIME_EXAMPLE[regime]}`,
            ),
          );
        } else if (flaw?.rule === 'transfer-without-safeguard') {
          const problem = location.atHeadquarters ? headquartersFlawMessage(country, flaw) : flaw.message;
          findings.push(
            finding(
              'transfer-without-safeguard',
              `${processor.key} processes data in ${location.country} without a valid transfer mechanism${under}: ${problem}`,
              [self, where],
              location.atHeadquarters ? `record where ${processor.key} processes data, each location with its transfer mechanism` : FLAW_FIX[flaw.rule],
            ),
          );
        } else if (flaw) {
          findings.push(finding(flaw.rule, `${processor.key} in ${location.country}${under}: ${flaw.message}`, [self, where], FLAW_FIX[flaw.rule]));
        }
        for (const caution of judgment.cautions) {
          findings.push(finding(caution.rule, `${processor.key} in ${location.country}${under}: ${caution.message}`, [self, where], caution.fix));
        }
      }
    }

    // A controller recipient decides its own purposes: Art. 28(3) asks a DPA of processors only.
    if (processor.status === ProcessorStatus.ACTIVE && processor.role === RecipientRole.PROCESSOR && !processor.dpaReference) {
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

    const served_ = processor.activities.flatMap((key) => activities.get(key)?.dataCategories ?? []);
    for (const category of processor.dataCategories) {
      if (served_.some((used) => related(used, category))) continue;
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

  const subjectTypes = new Map(map.dataSubjectTypes.map((t) => [t.key, t]));
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
    findings.push(...dpiaFindings(activity, special.length > 0, self));
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
    if (activity.legalBasis === LegalBasis.LEGAL_OBLIGATION) {
      const problem = legalObligationProblem(activity.legalObligation, standingOf);
      if (problem) {
        findings.push(
          finding(
            'legal-obligation-without-law',
            `${activity.key} relies on LEGAL_OBLIGATION, but ${problem}: Art. 6(1)(c) holds only for an obligation that Union or ` +
              `Member State law lays down (Art. 6(3)); a third country's law, such as a US tax duty, is none`,
            [self],
            `record the Union or Member State law that obliges the processing (legalObligation: { law, jurisdiction }), or choose the basis that does apply`,
          ),
        );
      }
    }
    if (activity.legalBasis === LegalBasis.CONTRACT) {
      const without = activity.subjectTypes.filter((key) => subjectTypes.get(key)?.contract === false);
      if (without.length > 0) {
        findings.push(
          finding(
            'contract-basis-without-contract',
            `${activity.key} relies on CONTRACT for ${without.join(', ')}, who have no contract with the controller: Art. 6(1)(b) ` +
              `covers only processing necessary to perform a contract with the person, or to take steps at their request before ` +
              `entering one (EDPB Guidelines 2/2019)`,
            [self, ...without.map((key) => ({ type: 'DataSubjectType' as const, key }))],
            `move the processing of ${without.join(', ')} to an activity on the basis that applies (such as LEGITIMATE_INTERESTS with its interest), ` +
              `or correct the subject types`,
          ),
        );
      }
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

  findings.push(...provenanceFindings(map));
  return sortFindings(findings);
}

/**
 * The representatives a controller established outside a served regime's territory must designate there: in the
 * Union (GDPR Art. 27), the United Kingdom (UK GDPR Art. 27) and Switzerland (FADP Art. 14, only where its
 * processing of people there is regular, extensive and of high risk). The record of processing names them.
 */
function representativeFindings(
  organization: NonNullable<Manifest['organization']>,
  country: CountryStanding,
  served: ReadonlySet<Regime>,
): Finding[] {
  const self: FindingEntityRef = { type: 'Organization', key: organization.key };
  const where = `${organization.key} is established in ${countryLabel(country)}`;
  const findings: Finding[] = [];
  if (!isInsideRegime(Regime.EU_GDPR, country) && !organization.representative) {
    findings.push(
      finding(
        'representative-not-recorded',
        `${where}, outside the Union, and offers its services to people in the Union (Art. 3(2)(a)), but no representative in the Union is recorded ` +
          `(Art. 27(1)); the record of processing must name it (Art. 30(1)(a))`,
        [self],
        'designate a representative in a member state where the people whose data is processed are, and record it ' +
          '(organization.representative); or record why Art. 27(2) exempts the processing',
      ),
    );
  }
  if (served.has(Regime.UK_GDPR) && !isInsideRegime(Regime.UK_GDPR, country) && !organization.ukRepresentative) {
    findings.push(
      finding(
        'representative-not-recorded',
        `${where}, outside the United Kingdom, and offers its services to people there (UK GDPR Art. 3(2)(a)), but no UK representative ` +
          `is recorded (UK GDPR Art. 27(1)); the UK record of processing must name it (UK GDPR Art. 30(1)(a))`,
        [self, { type: 'Country', key: 'GB' }],
        'designate a representative in the United Kingdom and record it (organization.ukRepresentative); or record why UK GDPR Art. 27(2) exempts the processing',
      ),
    );
  }
  if (served.has(Regime.SWISS_FADP) && !isInsideRegime(Regime.SWISS_FADP, country) && !organization.swissRepresentative) {
    findings.push(
      finding(
        'representative-not-recorded',
        `${where}, outside Switzerland, and offers its services to people there, but no representative in Switzerland is recorded: ` +
          `FADP Art. 14(1) requires one where the processing of their data is regular, extensive and of high risk`,
        [self, { type: 'Country', key: 'CH' }],
        'designate a representative in Switzerland and record it (organization.swissRepresentative); or record why the ' +
          'processing is not regular, extensive and of high risk (FADP Art. 14(1)(b)-(d))',
      ),
    );
  }
  return findings;
}

/**
 * Art. 35(3) makes a DPIA mandatory in its three cases (`dpia-required`, an ERROR); otherwise two WP248 criteria
 * indicate one (`dpia-indicated`). Children and special categories count without being recorded.
 */
function dpiaFindings(activity: Manifest['activities'][number], usesSpecialCategory: boolean, self: FindingEntityRef): Finding[] {
  if (activity.dpia) return [];
  const required = dpiaRequiredBy(activity, usesSpecialCategory);
  if (required.length > 0) {
    return [
      finding(
        'dpia-required',
        `${activity.key} falls under ${required.join('; and ')}: a data protection impact assessment is required before the processing (Art. 35(1) and (3))`,
        [self],
        `carry out a DPIA for ${activity.key} and record its reference (dpia), consulting the supervisory authority where it finds a high risk left (Art. 36)`,
      ),
    ];
  }
  const criteria = dpiaCriteriaOf(activity, usesSpecialCategory);
  if (criteria.length < DPIA_THRESHOLD) return [];
  const counted = [activity.children ? "it processes children's data" : null, usesSpecialCategory ? 'it uses a special category' : null].filter(Boolean);
  return [
    finding(
      'dpia-indicated',
      `${activity.key} meets ${criteria.length} WP248 criteria (${criteria.join(', ')}${counted.length ? `; ${counted.join('; ')}` : ''}): ` +
        `processing likely to result in a high risk, for which Art. 35(1) requires a data protection impact assessment`,
      [self],
      `carry out a DPIA for ${activity.key} and record its reference (dpia), or correct the criteria recorded`,
    ),
  ];
}

/** Why an activity's legal obligation is not shown to be laid down by Union or Member State law; null when it is. */
function legalObligationProblem(
  obligation: Manifest['activities'][number]['legalObligation'],
  standingOf: (code: string) => CountryStanding,
): string | null {
  if (!obligation) return 'names no law that lays the obligation down';
  if (!obligation.jurisdiction) return `does not say whose law "${obligation.law}" is`;
  if (obligation.jurisdiction === 'EU' || standingOf(obligation.jurisdiction).inEEA) return null;
  return `"${obligation.law}" is the law of ${countryLabel(standingOf(obligation.jurisdiction))}, neither Union nor Member State law`;
}

/** Every entry must say where it comes from: the policy section that states it (`source`), or what it assumes (`assumed`). */
function provenanceFindings(map: Manifest): Finding[] {
  const entries: { type: FindingEntityType; key: string; source?: string | null; assumed?: string | null }[] = [
    ...(map.organization ? [{ type: 'Organization' as const, ...map.organization }] : []),
    ...PROVENANCE_SECTIONS.flatMap(([section, type]) => (map[section] as { key: string; source?: string | null; assumed?: string | null }[]).map((e) => ({ type, ...e }))),
  ];
  return entries
    .filter((entry) => !entry.source && !entry.assumed)
    .map((entry) =>
      finding(
        'provenance-missing',
        `${entry.type} ${entry.key} names neither the section of the privacy policy that states it (source) nor what it assumes (assumed)`,
        [{ type: entry.type, key: entry.key }],
        `give ${entry.key} a source (the policy section), or say what it assumes and why (assumed)`,
      ),
    );
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
export function lintProcessor(processor: ManifestProcessor, countries: ReadonlyMap<string, CountryStanding>, context: LintContext = {}): Finding[] {
  const map = manifestSchema.parse({ apiVersion: 'datamap/v1' });
  map.processors.push(processor);
  return lintMap(map, countries, context).filter((f) => f.entities.some((e) => e.type === 'Processor' && e.key === processor.key));
}
