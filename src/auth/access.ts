import { Role } from './viewer';

const { VIEWER, ENGINEER, PRIVACY_OFFICER, AUDITOR, SIGNUP_SERVICE } = Role;

/** Everyone who reads the data map. */
export const READERS: readonly Role[] = [VIEWER, ENGINEER, PRIVACY_OFFICER, AUDITOR];
/** Those who answer for the map: the privacy officer, and auditors who check it. */
export const OVERSIGHT: readonly Role[] = [PRIVACY_OFFICER, AUDITOR];

/**
 * Who may do what: every query and mutation, and every field narrower than its type.
 * graphql-shield enforces this table with a deny fallback, so an operation missing here is closed to everyone,
 * and a test walks the schema against it. Keep it readable at a glance.
 */
export const ACCESS = {
  Query: {
    organization: READERS,
    countries: READERS,
    country: READERS,
    dataCategories: READERS,
    dataCategory: READERS,
    dataSubjectTypes: READERS,
    dataSubjectType: READERS,
    dataSubjectRights: READERS,
    dataSubjectRight: READERS,
    collectionPoints: READERS,
    collectionPoint: READERS,
    consents: READERS,
    consent: READERS,
    cookieCategories: READERS,
    cookieCategory: READERS,
    purposes: READERS,
    purpose: READERS,
    recipientCategories: READERS,
    recipientCategory: READERS,
    retentionRules: READERS,
    retentionRule: READERS,
    securityMeasures: READERS,
    securityMeasure: READERS,
    processingActivities: READERS,
    processingActivity: READERS,
    processors: READERS,
    processor: READERS,
    dataFlows: READERS,
    userDataFlow: READERS,
    dataMapGraph: READERS,
    dataMapSearch: READERS,
    findings: READERS,
    // The map as a manifest; DPA references and contact details only for those who may read them.
    manifest: READERS,
    // The signup service's one question; the privacy officer may try the policy out.
    ageGate: [SIGNUP_SERVICE, PRIVACY_OFFICER],
    // The policy is public in the privacy policy anyway: every reader may see the rules the gate applies.
    agePolicy: READERS,
    // Aggregate counts for dashboards: no engineer needs them to build the map, and they show nothing of a person.
    ageGateStats: [PRIVACY_OFFICER, AUDITOR, VIEWER],
    auditLog: OVERSIGHT,
    // Any entity by global id: each type found keeps the roles of the operations that reach it.
    node: READERS,
    nodes: READERS,
    // The registers name people (by reference) and incidents: for those who answer for them and those who check.
    rightsRequests: OVERSIGHT,
    breaches: OVERSIGHT,
    breach: OVERSIGHT,
    // Counts only, for dashboards: a viewer sees how the company keeps its clocks, never a request.
    rightsRequestStats: [PRIVACY_OFFICER, AUDITOR, VIEWER],
    // Evidence from code: vendor names and file positions, never code or personal data; every reader.
    evidence: READERS,
    evidenceReports: READERS,
    observedVendors: READERS,
    vendors: READERS,
    vendor: READERS,
    // The authority table is public law.
    supervisoryAuthorities: READERS,
    // Processors' notices under their DPAs: contract matters for those who answer for them.
    processorChangeNotices: OVERSIGHT,
  },
  Mutation: {
    registerProcessor: [ENGINEER, PRIVACY_OFFICER],
    updateProcessor: [ENGINEER, PRIVACY_OFFICER],
    approveProcessor: [PRIVACY_OFFICER],
    rejectProcessor: [PRIVACY_OFFICER],
    retireProcessor: [PRIVACY_OFFICER],
    // Engineers propose through manifests; only the privacy officer's manifests may decide a processor's review.
    applyManifest: [ENGINEER, PRIVACY_OFFICER],
    updateAgePolicy: [PRIVACY_OFFICER],
    setDigitalConsentAge: [PRIVACY_OFFICER],
    removeDigitalConsentAge: [PRIVACY_OFFICER],
    createRightsRequest: [PRIVACY_OFFICER],
    extendRightsRequest: [PRIVACY_OFFICER],
    updateRightsRequest: [PRIVACY_OFFICER],
    verifyRightsRequestIdentity: [PRIVACY_OFFICER],
    reportBreach: [PRIVACY_OFFICER],
    recordAuthorityNotice: [PRIVACY_OFFICER],
    recordSubjectNotice: [PRIVACY_OFFICER],
    // CI steps send evidence as engineers; the catalogue is theirs to extend, the registry's review stays the officer's.
    reconcileEvidence: [ENGINEER, PRIVACY_OFFICER],
    registerVendor: [ENGINEER, PRIVACY_OFFICER],
    removeVendor: [ENGINEER, PRIVACY_OFFICER],
    updateBreach: [PRIVACY_OFFICER],
    reassessBreachRisk: [PRIVACY_OFFICER],
    recordProcessorChangeNotice: [PRIVACY_OFFICER],
    objectToProcessorChange: [PRIVACY_OFFICER],
    acceptProcessorChange: [PRIVACY_OFFICER],
    // A legal assessment of a transfer: the privacy officer's to make.
    recordTransferImpactAssessment: [PRIVACY_OFFICER],
  },
  /** Fields that fewer roles may read than may read their type: DPA references and people's contact details. */
  Fields: {
    Processor: { dpaReference: OVERSIGHT },
    // The signup service reads the consent-based activities of an age check, not the processors behind them.
    ProcessingActivity: { processors: READERS },
    Organization: { email: OVERSIGHT, phone: OVERSIGHT, address: OVERSIGHT, dpoName: OVERSIGHT, dpoEmail: OVERSIGHT },
  },
} satisfies AccessTable;

/**
 * Who may change each section of a manifest (applyManifest, `datamap apply`): the roles of the mutations that change
 * the same things. Processors are proposed as registerProcessor proposes them, and their status is decided as
 * approveProcessor decides it (an ENGINEER's processors stay PROPOSED). Every other section states the legal model
 * (the organization, activities and their legal bases, purposes, consents, categories, rights, retention, security
 * measures, and any section added later): only those who decide reviews change it.
 */
export const MANIFEST_ACCESS = {
  processors: ACCESS.Mutation.registerProcessor,
  processorStatus: ACCESS.Mutation.approveProcessor,
  otherSections: ACCESS.Mutation.approveProcessor,
} satisfies Record<string, readonly Role[]>;

/**
 * HTTP endpoints outside GraphQL, and the roles that may fetch them. Public without a token: /healthz, /readyz,
 * /metrics, the explorer, and the sub-processor list (/subprocessors, .json, .atom), which Art. 28 has published.
 */
export const HTTP_ACCESS = {
  '/ropa.csv': OVERSIGHT,
  '/ropa.md': OVERSIGHT,
  '/ropa.json': OVERSIGHT,
} satisfies Record<string, readonly Role[]>;

export interface AccessTable {
  Query: Record<string, readonly Role[]>;
  Mutation: Record<string, readonly Role[]>;
  Fields: Record<string, Record<string, readonly Role[]>>;
}
