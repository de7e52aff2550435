import { AuditEntry } from '../src/audit/audit-entry.entity';
import { Processor, ProcessorStatus } from '../src/processor/processor.entity';
import { authAs, errorOf, startTestApp, type TestApp } from './harness';

/**
 * Issue 19: every regime. The reproductions of the legal review, each through the API on the seeded map: the UK
 * and Swiss transfer rules, transfer impact assessments, DPF certifications as facts, derogations, approval,
 * SCC references and representatives; and the legal model's remaining gaps (DPIA, legal obligation, contract,
 * provenance). Wiring the regimes into the flow queries (`userDataFlow(profile: { country: "GB" })`) is phase B.
 */

const REGISTER = `mutation ($input: RegisterProcessorInput!) {
  registerProcessor(input: $input) { key locations { country { code } mechanism reference dpf { certification reviewDue }
    safeguards { regime mechanism reference dpf { certification reviewDue } } } }
}`;
const APPROVE = `mutation ($key: ID!) { approveProcessor(key: $key) { key status } }`;
const APPLY = `mutation ($manifest: String!) { applyManifest(manifest: $manifest) { applied } }`;
const FINDINGS = `query ($rule: String) { findings(rule: $rule, first: 1000) { nodes { severity rule message entities { type key } fix } } }`;
const RECORD_TIA = `mutation ($input: TransferImpactAssessmentInput!) {
  recordTransferImpactAssessment(input: $input) { processor { key } country { code } regime reference assessedAt outcome supplementaryMeasures }
}`;

const SCC2 = 'SCC 2021/914 module 2';
const UK_ADDENDUM = { regime: 'UK_GDPR', mechanism: 'UK_ADDENDUM', reference: `UK Addendum to ${SCC2}` };
const SWISS_SCC = { regime: 'SWISS_FADP', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: `${SCC2} with the Swiss adaptations (FADP)` };
const DPF_ENTRY = 'https://www.dataprivacyframework.gov/participant/5780';

/** A US processor for usage analytics, on the EU SCCs unless the location says otherwise. */
const usInput = (key: string, location: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) => ({
  key,
  name: `Vendor ${key}`,
  service: 'Analytics',
  headquarters: 'US',
  locations: [{ country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: SCC2, ...location }],
  dataCategories: ['usage'],
  activities: ['usage-analytics'],
  dpaReference: 'https://vendor.example/dpa',
  ...overrides,
});

let app: TestApp;
let asEngineer: Record<string, string>;
let asOfficer: Record<string, string>;
let asViewer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  asEngineer = await authAs('ENGINEER', 'engineer@pythonmaster.com');
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
  asViewer = await authAs('VIEWER');
});
afterAll(() => app.close());

const register = (input: object, headers = asEngineer) => app.gql(REGISTER, { input }, headers);
const approve = (key: string) => app.gql(APPROVE, { key }, asOfficer);
const findingsOf = async (rule: string, processor?: string) => {
  const { data, errors } = await app.gql(FINDINGS, { rule }, asViewer);
  expect(errors).toBeUndefined();
  const nodes: { severity: string; rule: string; message: string; entities: { type: string; key: string }[]; fix: string }[] = data!.findings.nodes;
  return processor ? nodes.filter((f) => f.entities.some((e) => e.type === 'Processor' && e.key === processor)) : nodes;
};
/** The transfers of one processor in the record of processing under a regime. */
async function recordedTransfers(processor: string, regime?: string) {
  const response = await fetch(`${app.url}/ropa.json${regime ? `?regime=${regime}` : ''}`, { headers: asOfficer });
  expect(response.status).toBe(200);
  const ropa = (await response.json()) as { activities: { transfers: { processor: string; mechanism: string | null; safeguarded: boolean }[] }[] };
  const name = `Vendor ${processor}`;
  const transfers = ropa.activities.flatMap((a) => a.transfers).filter((t) => t.processor === name);
  return [...new Map(transfers.map((t) => [JSON.stringify(t), t])).values()].map((t) => [t.mechanism, t.safeguarded]);
}

describe('1. UK people are judged by UK rules', () => {
  it('lists the UK and Swiss adequacy of each country: the EEA adequate rather than inside, the US only in part', async () => {
    const { data, errors } = await app.gql(
      `{ countries(first: 1000) { nodes { code adequacy eu: adequacyUnder(regime: EU_GDPR) uk: adequacyUnder(regime: UK_GDPR)
         ch: adequacyUnder(regime: SWISS_FADP) } } }`,
      {},
      asViewer,
    );
    expect(errors).toBeUndefined();
    const byCode = Object.fromEntries(data!.countries.nodes.map((c: { code: string; eu: string; uk: string; ch: string; adequacy: string }) => [c.code, c]));
    expect(Object.values(byCode).every((c: any) => c.eu === c.adequacy)).toBe(true);
    const under = (code: string) => ({ eu: byCode[code].eu, uk: byCode[code].uk, ch: byCode[code].ch });
    expect(Object.fromEntries(['DE', 'US', 'JP', 'KR', 'GB', 'CH', 'GI'].map((code) => [code.toLowerCase(), under(code)]))).toEqual({
      de: { eu: 'NONE', uk: 'FULL', ch: 'FULL' },
      us: { eu: 'PARTIAL', uk: 'PARTIAL', ch: 'PARTIAL' },
      jp: { eu: 'PARTIAL', uk: 'PARTIAL', ch: 'NONE' },
      kr: { eu: 'PARTIAL', uk: 'PARTIAL', ch: 'NONE' },
      gb: { eu: 'FULL', uk: 'NONE', ch: 'FULL' },
      ch: { eu: 'FULL', uk: 'FULL', ch: 'NONE' },
      gi: { eu: 'NONE', uk: 'FULL', ch: 'FULL' },
    });
  });

  it('does not take the EU SCCs alone, nor the DPF without the UK Extension, as a UK safeguard', async () => {
    // The EU SCCs with no UK entry: safeguarded for the EU record, not for the UK one.
    expect((await register(usInput('uk-scc-only'))).errors).toBeUndefined();
    expect((await approve('uk-scc-only')).data).toEqual({ approveProcessor: { key: 'uk-scc-only', status: 'ACTIVE' } });
    expect(await recordedTransfers('uk-scc-only')).toEqual([['STANDARD_CONTRACTUAL_CLAUSES', true]]);
    expect(await recordedTransfers('uk-scc-only', 'UK_GDPR')).toEqual([[null, false]]);

    // A UK entry on the EU SCCs is refused: the IDTA or the Addendum is the UK tool.
    const euSccs = await register(usInput('uk-scc-entry', { safeguards: [{ regime: 'UK_GDPR', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: SCC2 }] }));
    expect(errorOf(euSccs)).toEqual([
      'BAD_USER_INPUT',
      'input.locations[0].safeguards[0].mechanism: the EU SCCs alone are not a UK transfer tool (UK GDPR Art. 46, DPA 2018 s.119A): ' +
        'use UK_IDTA (the International Data Transfer Agreement) or UK_ADDENDUM (the Addendum to the EU SCCs), issued by the ICO and ' +
        'in force since 21 March 2022',
    ]);

    // The DPF: a UK entry must name the UK Extension its DPF List entry shows.
    const dpf = { mechanism: 'ADEQUACY_DECISION', reference: 'EU-US Data Privacy Framework', dpf: { certification: DPF_ENTRY, reviewDue: '2099-06-30' } };
    const noExtension = await register(usInput('uk-dpf', { ...dpf, safeguards: [{ regime: 'UK_GDPR', ...dpf }] }));
    expect(errorOf(noExtension)[1]).toMatch(/^input\.locations\[0\]\.safeguards\[0\]\.reference: "EU-US Data Privacy Framework" does not name the framework: under UK_GDPR/);
    const withExtension = await register(usInput('uk-dpf', { ...dpf, safeguards: [{ regime: 'UK_GDPR', ...dpf, reference: 'UK Extension to the EU-US DPF' }] }));
    expect(withExtension.errors).toBeUndefined();
    expect(withExtension.data!.registerProcessor.locations[0].safeguards).toEqual([
      { regime: 'EU_GDPR', mechanism: 'ADEQUACY_DECISION', reference: 'EU-US Data Privacy Framework', dpf: { certification: DPF_ENTRY, reviewDue: '2099-06-30' } },
      { regime: 'UK_GDPR', mechanism: 'ADEQUACY_DECISION', reference: 'UK Extension to the EU-US DPF', dpf: { certification: DPF_ENTRY, reviewDue: '2099-06-30' } },
    ]);
    await approve('uk-dpf');
    expect(await recordedTransfers('uk-dpf', 'UK_GDPR')).toEqual([['ADEQUACY_DECISION', true]]);
    // Without a Swiss entry the same location leaves people in Switzerland unsafeguarded.
    expect(await recordedTransfers('uk-dpf', 'SWISS_FADP')).toEqual([[null, false]]);
  });

  it('warns of a missing UK or Swiss safeguard without blocking approval, as SERVED_REGIMES asks', async () => {
    const missing = await findingsOf('regime-safeguard-missing', 'uk-scc-only');
    expect(missing.map((f) => [f.severity, f.message.split(',')[0]])).toEqual([
      ['WARNING', 'uk-scc-only in US records no UK_GDPR safeguard'],
      ['WARNING', 'uk-scc-only in US records no SWISS_FADP safeguard'],
    ]);
    expect(missing[0].fix).toBe('record the location\'s UK_GDPR safeguard (locations[].safeguards), such as UK_ADDENDUM, "UK Addendum to SCC 2021/914 module 2", or UK_IDTA');
    const euOnly = await startTestApp({ reset: false, seed: false, config: { servedRegimes: ['EU_GDPR'] } });
    try {
      const { data } = await euOnly.gql(FINDINGS, { rule: 'regime-safeguard-missing' }, asViewer);
      expect(data!.findings.nodes).toEqual([]);
    } finally {
      await euOnly.close();
    }
  });

  it('keeps the safeguards through an update, and reports them in the manifest export and the audit trail', async () => {
    const { errors } = await register(usInput('both-regimes', { safeguards: [SWISS_SCC, UK_ADDENDUM] }));
    expect(errors).toBeUndefined();
    const { data } = await app.gql(`{ manifest }`, {}, asOfficer);
    const exported = (data!.manifest as string).split('\n');
    const at = exported.indexOf('  - key: both-regimes');
    expect(exported.slice(at).join('\n')).toContain(
      [
        '    locations:',
        '      - country: US',
        '        mechanism: STANDARD_CONTRACTUAL_CLAUSES',
        '        reference: SCC 2021/914 module 2',
        '        dpf: null',
        '        safeguards:',
        '          - regime: UK_GDPR',
        '            mechanism: UK_ADDENDUM',
        '            reference: UK Addendum to SCC 2021/914 module 2',
        '            dpf: null',
        '          - regime: SWISS_FADP',
      ].join('\n'),
    );
    const [entry] = await app.em().find(AuditEntry, { entityKey: 'both-regimes', operation: 'registerProcessor' });
    expect((entry.after as { locations: { safeguards: unknown[] }[] }).locations[0].safeguards).toHaveLength(2);
    expect(await findingsOf('regime-safeguard-missing', 'both-regimes')).toEqual([]);
  });
});

describe('2. Swiss people are judged by the FADP', () => {
  it('takes the EU SCCs for Switzerland only with the Swiss adaptations named', async () => {
    const plain = await register(usInput('swiss-plain', { safeguards: [{ ...SWISS_SCC, reference: SCC2 }] }));
    expect(errorOf(plain)[1]).toMatch(
      /^input\.locations\[0\]\.safeguards\[0\]\.reference: "SCC 2021\/914 module 2" does not say the clauses carry the Swiss adaptations: under the FADP \(Art\. 16\(2\)\(d\)\)/,
    );
    expect((await register(usInput('swiss-adapted', { safeguards: [SWISS_SCC] }))).errors).toBeUndefined();
    await approve('swiss-adapted');
    expect(await recordedTransfers('swiss-adapted', 'SWISS_FADP')).toEqual([['STANDARD_CONTRACTUAL_CLAUSES', true]]);
    expect(await recordedTransfers('swiss-adapted', 'UK_GDPR')).toEqual([[null, false]]);
  });

  it('takes US adequacy only for organisations certified under the Swiss-U.S. DPF', async () => {
    const dpf = { mechanism: 'ADEQUACY_DECISION', reference: 'EU-US Data Privacy Framework', dpf: { certification: '5780', reviewDue: '2099-06-30' } };
    const eu = await register(usInput('swiss-dpf', { ...dpf, safeguards: [{ regime: 'SWISS_FADP', ...dpf }] }));
    expect(errorOf(eu)[1]).toMatch(/^input\.locations\[0\]\.safeguards\[0\]\.reference: "EU-US Data Privacy Framework" does not name the framework: under SWISS_FADP/);
    expect((await register(usInput('swiss-dpf', { ...dpf, safeguards: [{ regime: 'SWISS_FADP', ...dpf, reference: 'Swiss-U.S. DPF' }] }))).errors).toBeUndefined();
  });
});

describe('3. transfer impact assessments', () => {
  beforeAll(async () => {
    expect((await register(usInput('tia-vendor'))).errors).toBeUndefined();
  });
  const tia = (overrides: Record<string, unknown> = {}) => ({
    processor: 'tia-vendor',
    country: 'US',
    reference: 'TIA-2026-07',
    assessedAt: '2026-11-01',
    outcome: 'WITH_SUPPLEMENTARY_MEASURES',
    supplementaryMeasures: ['Encryption at rest with keys held in the EEA'],
    ...overrides,
  });

  it('warns of a transfer on SCCs without one, records one for the privacy officer (audited), and shows the latest on the location', async () => {
    expect((await findingsOf('tia-missing', 'tia-vendor')).map((f) => [f.severity, f.message])).toEqual([
      [
        'WARNING',
        'tia-vendor in US: STANDARD_CONTRACTUAL_CLAUSES to US (United States) has no transfer impact assessment: the exporter must ' +
          'assess whether the law and practice of US (United States) impinge on the safeguard, and adopt supplementary measures where ' +
          'they do (C-311/18 Schrems II; SCC Clause 14; EDPB Recommendations 01/2020)',
      ],
    ]);
    expect(errorOf(await app.gql(RECORD_TIA, { input: tia() }, asEngineer))[0]).toBe('FORBIDDEN');
    const { data, errors } = await app.gql(RECORD_TIA, { input: tia() }, asOfficer);
    expect(errors).toBeUndefined();
    expect(data!.recordTransferImpactAssessment).toEqual({
      processor: { key: 'tia-vendor' },
      country: { code: 'US' },
      regime: 'EU_GDPR',
      reference: 'TIA-2026-07',
      assessedAt: '2026-11-01',
      outcome: 'WITH_SUPPLEMENTARY_MEASURES',
      supplementaryMeasures: ['Encryption at rest with keys held in the EEA'],
    });
    expect(await findingsOf('tia-missing', 'tia-vendor')).toEqual([]);
    const location = await app.gql(
      `{ processor(key: "tia-vendor") { locations { transferImpactAssessment { reference outcome } uk: transferImpactAssessment(regime: UK_GDPR) { reference } } } }`,
      {},
      asViewer,
    );
    expect(location.data!.processor.locations).toEqual([{ transferImpactAssessment: { reference: 'TIA-2026-07', outcome: 'WITH_SUPPLEMENTARY_MEASURES' }, uk: null }]);
    const [entry] = await app.em().find(AuditEntry, { operation: 'recordTransferImpactAssessment', entityKey: 'tia-vendor/US/EU_GDPR' });
    expect(entry).toMatchObject({ actor: 'dpo@pythonmaster.com', before: null, after: { reference: 'TIA-2026-07', outcome: 'WITH_SUPPLEMENTARY_MEASURES' } });
  });

  it('refuses an assessment of a place the processor does not use, of a future date, or without the measures it relies on', async () => {
    const response = await app.gql(
      RECORD_TIA,
      { input: tia({ country: 'IN', assessedAt: '2099-01-01', outcome: 'WITH_SUPPLEMENTARY_MEASURES', supplementaryMeasures: [] }) },
      asOfficer,
    );
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].extensions!.problems.map((p: { message: string }) => p.message)).toEqual([
      'input.country: "tia-vendor" does not process data in "IN" (its locations: US): assess one of its locations, or record the location first',
      'input.assessedAt: 2099-01-01 is in the future (today is ' + new Date().toISOString().slice(0, 10) + ')',
      'input.supplementaryMeasures: WITH_SUPPLEMENTARY_MEASURES names the measures it relies on: list at least one (EDPB Recommendations 01/2020, Annex 2)',
    ]);
    expect(errorOf(await app.gql(RECORD_TIA, { input: tia({ processor: 'nope' }) }, asOfficer))).toEqual(['NOT_FOUND', 'input.processor: no processor has key "nope"']);
    expect(errorOf(await app.gql(RECORD_TIA, { input: tia({ assessedAt: '2026-02-30' }) }, asOfficer))[0]).toBe('BAD_USER_INPUT');
  });

  it('finds it stale after TIA_REVIEW_MONTHS, or once the safeguard changed', async () => {
    const later = await startTestApp({ reset: false, seed: false, clock: () => new Date('2027-11-02T12:00:00Z') });
    try {
      const { data } = await later.gql(FINDINGS, { rule: 'tia-stale' }, asViewer);
      expect(data!.findings.nodes.map((f: { message: string }) => f.message)).toEqual([
        'tia-vendor in US: the transfer impact assessment TIA-2026-07 of 2026-11-01 (EU_GDPR, US (United States)) is out of date: it is more than 12 months old (review was due on 2027-11-01)',
      ]);
    } finally {
      await later.close();
    }
    // A new module in the reference is a change of the safeguard: the assessment predates it.
    const { data: current } = await app.gql(`{ processor(key: "tia-vendor") { version } }`, {}, asOfficer);
    const update = await app.gql(
      `mutation ($key: ID!, $version: Int!, $input: UpdateProcessorInput!) { updateProcessor(key: $key, expectedVersion: $version, input: $input) { version } }`,
      { key: 'tia-vendor', version: current!.processor.version, input: { locations: [{ country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: `${SCC2}, signed 2026-12-01` }] } },
      asOfficer,
    );
    expect(update.errors).toBeUndefined();
    const stale = await findingsOf('tia-stale', 'tia-vendor');
    expect(stale.map((f) => f.message)).toEqual([expect.stringMatching(/is out of date: it predates the last change of the safeguard on \d{4}-\d{2}-\d{2}$/)]);
  });

  it('leaves a transfer its assessment suspended unsafeguarded: an ERROR, in the record, and for approval', async () => {
    expect((await register(usInput('suspended'))).errors).toBeUndefined();
    const recorded = await app.gql(RECORD_TIA, { input: tia({ processor: 'suspended', outcome: 'TRANSFER_SUSPENDED', supplementaryMeasures: [] }) }, asOfficer);
    expect(recorded.errors).toBeUndefined();
    const refused = await approve('suspended');
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rules: ['transfer-without-safeguard'] });
    expect(refused.errors![0].message).toMatch(/concluded TRANSFER_SUSPENDED: STANDARD_CONTRACTUAL_CLAUSES cannot ensure essentially equivalent protection in US/);
    // A map that holds it ACTIVE (approved before the assessment): the ERROR finding, and the record says so.
    await app.em().nativeUpdate(Processor, { key: 'suspended' }, { status: ProcessorStatus.ACTIVE });
    expect((await findingsOf('transfer-without-safeguard', 'suspended')).map((f) => f.severity)).toEqual(['ERROR']);
    expect(await recordedTransfers('suspended')).toEqual([['STANDARD_CONTRACTUAL_CLAUSES', false]]);
    await app.em().nativeUpdate(Processor, { key: 'suspended' }, { status: ProcessorStatus.RETIRED });
  });

  it('warns when the importer is itself subject to the GDPR and rests on the 2021 SCCs', async () => {
    expect((await register(usInput('eu-targeting', {}, { subjectToGdpr: true }))).errors).toBeUndefined();
    const found = await findingsOf('scc-importer-subject-to-gdpr', 'eu-targeting');
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        'WARNING',
        'eu-targeting in US: the importer is itself subject to the GDPR under Art. 3(2), and the 2021 SCCs are not meant for such ' +
          'importers (Decision (EU) 2021/914, recital 7 and Art. 1(1)); the disclosure is still a transfer (EDPB Guidelines 05/2021)',
      ],
    ]);
    const { data } = await app.gql(`{ processor(key: "eu-targeting") { subjectToGdpr } }`, {}, asViewer);
    expect(data!.processor.subjectToGdpr).toBe(true);
  });
});

describe('4. a DPF certification is a fact', () => {
  const dpfLocation = (certification: string, reviewDue: string) => ({ mechanism: 'ADEQUACY_DECISION', reference: null, dpf: { certification, reviewDue } });

  it('is the DPF List entry, or its id: anything else is refused, naming the form', async () => {
    const anything = await register(usInput('dpf-anything', dpfLocation('https://example.com/anything', '2099-06-30')));
    expect(errorOf(anything)).toEqual([
      'BAD_USER_INPUT',
      'input.locations[0].dpf.certification: "https://example.com/anything" is not a DPF certification: give its DPF List entry, ' +
        'https://www.dataprivacyframework.gov/participant/<id>, or that id',
    ]);
    expect((await register(usInput('dpf-vendor-page', dpfLocation('https://stripe.com/legal/dta', '2099-06-30')))).errors![0].extensions!.field).toBe(
      'input.locations[0].dpf.certification',
    );
    expect((await register(usInput('dpf-entry', dpfLocation(DPF_ENTRY, '2099-06-30')))).errors).toBeUndefined();
    expect((await register(usInput('dpf-id', dpfLocation('5780', '2099-06-30')))).errors).toBeUndefined();
  });

  it('has a real calendar date to be reviewed by', async () => {
    expect(errorOf(await register(usInput('dpf-feb-30', dpfLocation(DPF_ENTRY, '2027-02-30'))))).toEqual([
      'BAD_USER_INPUT',
      'input.locations[0].dpf.reviewDue: "2027-02-30" is not a real calendar date',
    ]);
    const manifest = `apiVersion: datamap/v1\nprocessors:\n  - key: dpf-feb-30\n    name: Feb\n    service: Analytics\n    headquarters: US\n` +
      `    locations: [{ country: US, mechanism: ADEQUACY_DECISION, dpf: { certification: "5780", reviewDue: "2027-02-30" } }]\n`;
    const applied = await app.gql(APPLY, { manifest }, asEngineer);
    expect(applied.errors![0].extensions!.problems).toEqual([
      { path: 'processors[0].locations[0].dpf.reviewDue', message: '"2027-02-30" is not a real calendar date', line: 7 },
    ]);
  });

  it('lapses the day after its review date: not safeguarded in flows, the record and the findings (dpf-lapsed), and not approved', async () => {
    // Recorded as a fact, whatever the date: the map must stay editable.
    expect((await register(usInput('dpf-lapsed', dpfLocation(DPF_ENTRY, '2024-11-30')))).errors).toBeUndefined();
    const refused = await approve('dpf-lapsed');
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rules: ['dpf-lapsed'] });
    // Data stored before the rule, or a certification that lapsed after approval: make it ACTIVE behind the API.
    await app.em().nativeUpdate(Processor, { key: 'dpf-lapsed' }, { status: ProcessorStatus.ACTIVE });

    const lapsed = await findingsOf('dpf-lapsed', 'dpf-lapsed');
    expect(lapsed.map((f) => [f.severity, f.message])).toEqual([
      [
        'ERROR',
        `dpf-lapsed in US: the DPF certification ${DPF_ENTRY} was due for review on 2024-11-30 and has lapsed: the adequacy ` +
          'decision (EU) 2023/1795 covers the recipient only while its certification is active, so the transfer has no safeguard ' +
          'until the DPF List shows it renewed',
      ],
    ]);
    const flows = await app.gql(`{ dataFlows(filter: { processors: ["dpf-lapsed"] }) { nodes { mechanism safeguarded transferProblem } } }`, {}, asViewer);
    expect(flows.data!.dataFlows.nodes).toEqual([
      { mechanism: 'ADEQUACY_DECISION', safeguarded: false, transferProblem: expect.stringMatching(/was due for review on 2024-11-30 and has lapsed/) },
    ]);
    expect(await recordedTransfers('dpf-lapsed')).toEqual([['ADEQUACY_DECISION', false]]);
    await app.em().nativeUpdate(Processor, { key: 'dpf-lapsed' }, { status: ProcessorStatus.RETIRED });
  });

  it('warns within DPF_GRACE_DAYS before its review date', async () => {
    expect((await register(usInput('dpf-due', dpfLocation(DPF_ENTRY, '2027-12-31')))).errors).toBeUndefined();
    const later = await startTestApp({ reset: false, seed: false, clock: () => new Date('2027-12-15T12:00:00Z') });
    try {
      const { data } = await later.gql(FINDINGS, { rule: 'dpf-review-overdue' }, asViewer);
      expect(data!.findings.nodes.map((f: { severity: string; entities: { key: string }[] }) => [f.severity, f.entities[0].key])).toEqual([['WARNING', 'dpf-due']]);
    } finally {
      await later.close();
    }
  });
});

describe('5. a derogation carries no regular transfer', () => {
  it('is refused for an engaged processor, as the ERROR systematic-derogation', async () => {
    const response = await register({ ...usInput('derogation'), headquarters: 'IN', locations: [{ country: 'IN', mechanism: 'DEROGATION_CONTRACT' }] });
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toBe(
      'input.locations[0].mechanism: DEROGATION_CONTRACT is an Art. 49 derogation, meant for occasional transfers, yet it carries the ' +
        'regular processing of an engaged processor to IN (India) (EDPB Guidelines 2/2018): it is no ground for regular transfers; ' +
        'rely on an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES)',
    );
  });

  it('is an ERROR in the findings, and refused at approval, for a map that holds one', async () => {
    const em = app.em();
    em.create(Processor, {
      key: 'old-derogation', name: 'Old derogation', service: 'Analytics', headquarters: 'IN', status: ProcessorStatus.PROPOSED, dpaReference: 'DPA',
      dataCategories: ['usage'], activities: ['usage-analytics'], locations: [{ country: 'IN', mechanism: 'DEROGATION_EXPLICIT_CONSENT' }],
    } as never);
    await em.flush();
    expect((await findingsOf('systematic-derogation', 'old-derogation')).map((f) => f.severity)).toEqual(['ERROR']);
    expect((await approve('old-derogation')).errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rules: ['systematic-derogation'] });
    await app.em().nativeUpdate(Processor, { key: 'old-derogation' }, { status: ProcessorStatus.REJECTED });
  });
});

describe('6. approval judges what validation and findings judge', () => {
  it('approves a processor headquartered in DE with no locations, and refuses one in IN, naming IN', async () => {
    expect((await register({ ...usInput('de-hq'), headquarters: 'DE', locations: [] })).errors).toBeUndefined();
    expect((await approve('de-hq')).data).toEqual({ approveProcessor: { key: 'de-hq', status: 'ACTIVE' } });

    const em = app.em();
    em.create(Processor, {
      key: 'in-hq', name: 'India HQ', service: 'Analytics', headquarters: 'IN', status: ProcessorStatus.PROPOSED, dpaReference: 'DPA',
      dataCategories: ['usage'], activities: ['usage-analytics'],
    } as never);
    await em.flush();
    const refused = await approve('in-hq');
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rules: ['transfer-without-safeguard'] });
    expect(refused.errors![0].message).toMatch(/judged at its headquarters IN \(India\): a mechanism is required for IN \(India\), which has no adequacy decision/);
  });
});

describe('7. SCC references are read as the 2021 clauses', () => {
  it('refuses the repealed 2010 clauses, naming the repeal, and asks for the decision and the module', async () => {
    expect(errorOf(await register(usInput('scc-2010', { reference: '2010/87/EU module 2' })))).toEqual([
      'BAD_USER_INPUT',
      'input.locations[0].reference: "2010/87/EU module 2" names the clauses of Decision 2010/87, repealed by Decision (EU) 2021/914 ' +
        'Art. 4 with effect from 27 September 2021 (contracts concluded on them had until 27 December 2022): conclude the 2021 SCCs ' +
        'and name them, such as "SCC 2021/914 module 2"',
    ]);
    expect(errorOf(await register(usInput('scc-undated', { reference: 'SCC module 2' })))[1]).toBe(
      'input.locations[0].reference: "SCC module 2" does not name the clauses: the reference must name Decision (EU) 2021/914 (or ' +
        '"2021 SCCs") and the module, such as "SCC 2021/914 module 2"',
    );
    expect((await register(usInput('scc-2021', { reference: '2021 SCCs, module two' }))).errors).toBeUndefined();
  });
});

describe('8. representatives under each regime', () => {
  it('reports the EU, UK and Swiss representatives separately, until each is recorded', async () => {
    const keysOf = async () => (await findingsOf('representative-not-recorded')).map((f) => f.entities.map((e) => e.key).join('/'));
    expect(await keysOf()).toEqual(['pythonmaster', 'pythonmaster/GB', 'pythonmaster/CH']);
    const manifest = 'apiVersion: datamap/v1\norganization:\n  key: pythonmaster\n  ukRepresentative: { name: UK Rep Ltd, contact: rep@example.co.uk }\n';
    expect((await app.gql(APPLY, { manifest }, asOfficer)).errors).toBeUndefined();
    expect(await keysOf()).toEqual(['pythonmaster', 'pythonmaster/CH']);
    const { data } = await app.gql(`{ organization { ukRepresentative { name contact } swissRepresentative { name } } }`, {}, asViewer);
    expect(data!.organization).toEqual({ ukRepresentative: { name: 'UK Rep Ltd', contact: 'rep@example.co.uk' }, swissRepresentative: null });
    const uk = await (await fetch(`${app.url}/ropa.md?regime=UK_GDPR`, { headers: asOfficer })).text();
    expect(uk).toContain('- **Representative in the United Kingdom (UK GDPR Art. 27):** UK Rep Ltd, rep@example.co.uk');
    await app.gql(APPLY, { manifest: manifest.replace(/  ukRepresentative: .*\n/, '  ukRepresentative: null\n') }, asOfficer);
  });
});

describe("the legal model's remaining gaps", () => {
  const activityManifest = (activity: string, extra = '') =>
    `apiVersion: datamap/v1\n${extra}activities:\n${activity}`;

  it('DPIA: counts special categories, and requires one in the cases of Art. 35(3)', async () => {
    const manifest = activityManifest(
      `  - key: health-coaching\n    name: Health coaching\n    source: test\n    purpose: service-delivery.platform\n    legalBasis: CONSENT\n` +
        `    requiredConsent: marketing-email\n    retention: account-data\n    dataCategories: [health]\n    specialCategoryCondition: Art. 9(2)(a) explicit consent\n` +
        `    dpiaCriteria: [LARGE_SCALE]\n  - key: admission\n    name: Admission scoring\n    source: test\n    purpose: service-delivery.platform\n` +
        `    legalBasis: CONTRACT\n    retention: account-data\n    dataCategories: [usage]\n    dpiaCriteria: [PROFILING, AUTOMATED_DECISIONS]\n`,
      'dataCategories:\n  - key: health\n    name: Health data\n    source: test\n    specialCategory: true\n',
    );
    expect((await app.gql(APPLY, { manifest }, asOfficer)).errors).toBeUndefined();
    const required = await findingsOf('dpia-required');
    expect(required.map((f) => [f.severity, f.entities[0].key, f.message])).toEqual([
      [
        'ERROR',
        'admission',
        'admission falls under Art. 35(3)(a): evaluation by profiling on which automated decisions with legal or similar effect are ' +
          'based: a data protection impact assessment is required before the processing (Art. 35(1) and (3))',
      ],
      [
        'ERROR',
        'health-coaching',
        'health-coaching falls under Art. 35(3)(b): special categories of data (Art. 9(1)) processed on a large scale: a data ' +
          'protection impact assessment is required before the processing (Art. 35(1) and (3))',
      ],
    ]);
    const { data } = await app.gql(`{ processingActivity(key: "health-coaching") { dpiaCriteria } }`, {}, asViewer);
    expect(data!.processingActivity.dpiaCriteria).toEqual(['LARGE_SCALE']);
    await app.gql(APPLY, { manifest: activityManifest('  - key: health-coaching\n    dpia: DPIA-2026-12\n  - key: admission\n    dpia: DPIA-2026-13\n') }, asOfficer);
    expect(await findingsOf('dpia-required')).toEqual([]);
  });

  it('legal obligation: the seed names the Union law it assumes, and an activity naming none, or a US law, is an ERROR', async () => {
    const { data } = await app.gql(`{ processingActivity(key: "tax-records") { legalBasis legalObligation { law jurisdiction } provenance { assumed } } }`, {}, asViewer);
    expect(data!.processingActivity).toMatchObject({
      legalBasis: 'LEGAL_OBLIGATION',
      legalObligation: { law: 'Council Directive 2006/112/EC (VAT Directive), Art. 369k (records of the non-Union one-stop-shop scheme)', jurisdiction: 'EU' },
    });
    expect(data!.processingActivity.provenance.assumed).toMatch(/Open question: is it registered under that scheme, and in which Member State\? If so, Art\. 369k\(2\) has the records kept for 10 years/);
    const manifest = activityManifest(
      `  - key: us-tax\n    name: US tax records\n    source: test\n    purpose: legal.tax-records\n    legalBasis: LEGAL_OBLIGATION\n    retention: payment-data\n` +
        `    legalObligation: { law: "26 U.S.C. § 6001", jurisdiction: US }\n  - key: no-law\n    name: Unnamed duty\n    source: test\n` +
        `    purpose: legal.tax-records\n    legalBasis: LEGAL_OBLIGATION\n    retention: payment-data\n`,
    );
    expect((await app.gql(APPLY, { manifest }, asOfficer)).errors).toBeUndefined();
    expect((await findingsOf('legal-obligation-without-law')).map((f) => [f.severity, f.entities[0].key, f.message.split(': Art.')[0]])).toEqual([
      ['ERROR', 'no-law', 'no-law relies on LEGAL_OBLIGATION, but names no law that lays the obligation down'],
      ['ERROR', 'us-tax', 'us-tax relies on LEGAL_OBLIGATION, but "26 U.S.C. § 6001" is the law of US (United States), neither Union nor Member State law'],
    ]);
  });

  it('contract: the seed splits visitors and pre-sale questions onto legitimate interests, and CONTRACT for people without one is an ERROR', async () => {
    const { data } = await app.gql(
      `{ hosting: processingActivity(key: "platform-hosting") { legalBasis subjectTypes { key contract } }
         website: processingActivity(key: "website-delivery") { legalBasis subjectTypes { key } }
         support: processingActivity(key: "customer-support") { legalBasis subjectTypes { key } }
         preSale: processingActivity(key: "pre-sale-support") { legalBasis subjectTypes { key } } }`,
      {},
      asViewer,
    );
    expect(data).toEqual({
      hosting: { legalBasis: 'CONTRACT', subjectTypes: [{ key: 'student', contract: true }] },
      website: { legalBasis: 'LEGITIMATE_INTERESTS', subjectTypes: [{ key: 'website-visitor' }] },
      support: { legalBasis: 'CONTRACT', subjectTypes: [{ key: 'customer' }, { key: 'student' }] },
      preSale: { legalBasis: 'LEGITIMATE_INTERESTS', subjectTypes: [{ key: 'support-requester' }] },
    });
    const manifest = activityManifest(
      `  - key: visitor-contract\n    name: Visitors on contract\n    source: test\n    purpose: service-delivery.platform\n    legalBasis: CONTRACT\n` +
        `    retention: account-data\n    subjectTypes: [student, website-visitor]\n`,
    );
    expect((await app.gql(APPLY, { manifest }, asOfficer)).errors).toBeUndefined();
    expect((await findingsOf('contract-basis-without-contract')).map((f) => [f.severity, f.entities])).toEqual([
      ['ERROR', [{ type: 'ProcessingActivity', key: 'visitor-contract' }, { type: 'DataSubjectType', key: 'website-visitor' }]],
    ]);
  });

  it('provenance: every seeded entry says where it comes from, and the lint warns of an entry that does not', async () => {
    const { data } = await app.gql(`{ manifest }`, {}, asOfficer);
    const { parse } = await import('yaml');
    const map = parse(data!.manifest) as Record<string, { key: string; source?: string | null; assumed?: string | null }[]>;
    const seeded = (await import('node:fs')).readFileSync(`${__dirname}/../seeds/pythonmaster.yaml`, 'utf8');
    const seedKeys = new Set([...seeded.matchAll(/^ {2}- key: (\S+)$/gm)].map((m) => m[1]));
    const unsourced = Object.entries(map)
      .filter(([, entries]) => Array.isArray(entries))
      .flatMap(([section, entries]) => entries.filter((e) => seedKeys.has(e.key) && !e.source && !e.assumed).map((e) => `${section}/${e.key}`));
    expect(unsourced).toEqual([]);
    expect(await findingsOf('provenance-missing', 'uk-scc-only')).toEqual([
      {
        severity: 'WARNING',
        rule: 'provenance-missing',
        message: 'Processor uk-scc-only names neither the section of the privacy policy that states it (source) nor what it assumes (assumed)',
        entities: [{ type: 'Processor', key: 'uk-scc-only' }],
        fix: 'give uk-scc-only a source (the policy section), or say what it assumes and why (assumed)',
      },
    ]);
  });
});
