import { AuditEntry } from '../src/audit/audit-entry.entity';
import { Processor } from '../src/processor/processor.entity';
import { parse as parseYaml } from 'yaml';
import { authAs, entriesOf, startTestApp, type TestApp } from './harness';

const APPLY = `mutation ($manifest: String!, $dryRun: Boolean) {
  applyManifest(manifest: $manifest, dryRun: $dryRun) { applied entries { entity key outcome } changes { entity key field before after } }
}`;

let app: TestApp;
let asEngineer: Record<string, string>;
let asOfficer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  asEngineer = await authAs('ENGINEER', 'engineer@pythonmaster.com');
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
});
afterAll(() => app.close());

const apply = (manifest: string, headers: Record<string, string>, dryRun?: boolean) => app.gql(APPLY, { manifest, dryRun }, headers);
const manifestOf = (entries: string) => `apiVersion: datamap/v1\nprocessors:\n${entries}`;
const stored = (key: string) =>
  app.em().findOneOrFail(Processor, key, { populate: ['locations', 'dataCategories', 'activities'] }).then((p) => ({
    name: p.name,
    legalName: p.legalName,
    website: p.website,
    dpaReference: p.dpaReference,
    status: p.status,
    version: p.version,
    dataCategories: p.dataCategories.getItems().map((c) => c.key).sort(),
    activities: p.activities.getItems().map((a) => a.key),
    locations: p.locations.getItems().map((l) => [l.country.code, l.mechanism, l.reference]),
  }));

describe('unknown fields', () => {
  it('names each misspelt field by its path, with the field it was probably meant to be, and writes nothing', async () => {
    const audits = await app.em().count(AuditEntry);
    const { data, errors } = await apply(
      manifestOf(`  - key: stripe
    dpaRefernce: DPA-2026
    locatons: []
    colour: blue
`),
      asOfficer,
    );
    expect(data).toBeNull();
    expect(errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'manifest',
      problems: [
        { path: 'processors[0].dpaRefernce', message: 'unknown field; did you mean dpaReference?', line: 4 },
        { path: 'processors[0].locatons', message: 'unknown field; did you mean locations?', line: 5 },
        {
          path: 'processors[0].colour',
          message:
            'unknown field; expected one of key, name, description, source, assumed, legalName, service, website, headquarters, dpaReference, status, statusReason, dataCategories, activities, locations, subjectToGdpr, role, engagedBy, jointArrangement, saleOrShare',
          line: 6,
        },
      ],
    });
    expect(errors![0].message).toContain('manifest:4: processors[0].dpaRefernce: unknown field; did you mean dpaReference?');
    expect(await app.em().count(AuditEntry)).toBe(audits);
  });

  it('finds unknown fields inside locations, the organization and at the top', async () => {
    const { errors } = await apply(
      `apiVersion: datamap/v1
organisation: { key: pythonmaster }
processors:
  - key: stripe
    locations: [{ country: US, mechansim: ADEQUACY_DECISION }]
`,
      asOfficer,
    );
    expect(errors![0].extensions!.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`)).toEqual([
      'processors[0].locations[0].mechansim: unknown field; did you mean mechanism?',
      'organisation: unknown field; did you mean organization?',
    ]);
  });
});

describe('fields an entry leaves out', () => {
  it('keeps every stored field of a minimal entry: a dry run and the apply list no change', async () => {
    const before = await stored('paypal');
    const minimal = manifestOf(`  - { key: paypal, name: PayPal, service: Payment processing, headquarters: US }\n`);
    for (const dryRun of [true, false]) {
      const { data, errors } = await apply(minimal, asOfficer, dryRun);
      expect(errors).toBeUndefined();
      expect(data!.applyManifest).toEqual({
        applied: !dryRun,
        entries: [{ entity: 'processors', key: 'paypal', outcome: 'UNCHANGED' }],
        changes: [],
      });
    }
    expect(await stored('paypal')).toEqual(before);
    expect(before).toMatchObject({ legalName: 'PayPal, Inc.', website: 'https://www.paypal.com', locations: [['US', 'STANDARD_CONTRACTUAL_CLAUSES', 'SCC 2021/914 module 2']] });
  });

  it('lists every field a dry run would change, with before and after, and writes nothing', async () => {
    const before = await stored('stripe');
    const { data, errors } = await apply(
      manifestOf(`  - key: stripe
    website: null
    dpaReference: https://stripe.com/legal/dpa-2026
    dataCategories: [financial]
    locations: [{ country: US, mechanism: STANDARD_CONTRACTUAL_CLAUSES, reference: SCC 2021/914 module 2 }]
`),
      asOfficer,
      true,
    );
    const scc = { country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2', dpf: null };
    expect(errors).toBeUndefined();
    expect(data!.applyManifest).toEqual({
      applied: false,
      entries: [{ entity: 'processors', key: 'stripe', outcome: 'CHANGED' }],
      changes: [
        { entity: 'processors', key: 'stripe', field: 'website', before: 'https://stripe.com', after: null },
        { entity: 'processors', key: 'stripe', field: 'dpaReference', before: 'https://stripe.com/legal/dpa', after: 'https://stripe.com/legal/dpa-2026' },
        { entity: 'processors', key: 'stripe', field: 'dataCategories', before: ['contact', 'financial', 'identity'], after: ['financial'] },
        {
          entity: 'processors', key: 'stripe', field: 'locations',
          // A location given without its UK and Swiss safeguards has none: `locations` replaces every location.
          before: [
            {
              ...scc,
              safeguards: [
                { regime: 'UK_GDPR', mechanism: 'UK_ADDENDUM', reference: 'UK Addendum to SCC 2021/914 module 2', dpf: null },
                { regime: 'SWISS_FADP', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2 with the Swiss adaptations (FADP)', dpf: null },
              ],
            },
          ],
          after: [{ ...scc, safeguards: [] }],
        },
      ],
    });
    expect(await stored('stripe')).toEqual(before);
  });

  it('clears a field given as null or [], keeps the rest, and audits the change as the caller', async () => {
    const { data, errors } = await apply(
      manifestOf(`  - key: zendesk
    legalName: null
    dataCategories: []
`),
      asOfficer,
    );
    expect(errors).toBeUndefined();
    expect(data!.applyManifest.changes.map((c: { field: string }) => c.field)).toEqual(['legalName', 'dataCategories']);
    const zendesk = await stored('zendesk');
    expect(zendesk).toMatchObject({ legalName: null, dataCategories: [], status: 'ACTIVE', name: 'Zendesk', version: 2 });
    expect(zendesk.locations.length).toBeGreaterThan(0);
    const [entry] = await app.em().find(AuditEntry, { entityKey: 'zendesk', operation: 'applyManifest' });
    expect(entry).toMatchObject({ actor: 'dpo@pythonmaster.com', roles: ['PRIVACY_OFFICER'], entityType: 'Processor' });
    expect(entry.requestId).toEqual(expect.any(String));
    const [was, is] = [entry.before, entry.after] as Record<string, unknown>[];
    expect([was.legalName, is.legalName, is.dataCategories]).toEqual(['Zendesk, Inc.', null, []]);
  });

  it('requires every required field of a new entry, naming it', async () => {
    const { errors } = await apply(manifestOf(`  - { key: new-vendor, name: New Vendor }\n`), asEngineer);
    expect(errors![0].extensions!.problems).toEqual([
      { path: 'processors[0].service', message: 'required: "new-vendor" does not exist yet, so the entry must give it', line: 3 },
      { path: 'processors[0].headquarters', message: 'required: "new-vendor" does not exist yet, so the entry must give it', line: 3 },
    ]);
  });
});

describe('atomicity', () => {
  it('writes nothing when one entry of several is invalid', async () => {
    const audits = await app.em().count(AuditEntry);
    const before = await stored('intercom');
    const { errors } = await apply(
      `apiVersion: datamap/v1
purposes:
  - { key: atomic-purpose, name: Atomic }
processors:
  - { key: intercom, website: https://intercom.example }
  - { key: atomic-vendor, name: Atomic, service: Hosting, headquarters: IN, locations: [{ country: IN }] }
`,
      asOfficer,
    );
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].extensions!.problems.map((p: { path: string }) => p.path)).toEqual(['processors[1].locations[0].mechanism']);
    expect(await stored('intercom')).toEqual(before);
    expect(await app.em().count(Processor, { key: 'atomic-vendor' })).toBe(0);
    expect(await app.em().count(AuditEntry)).toBe(audits);
  });
});

describe('review cannot be bypassed', () => {
  const vendor = (status = '') => manifestOf(`  - key: review-vendor
    name: Review Vendor
    service: Hosting
    headquarters: DE
    activities: [platform-hosting]
    dataCategories: [technical]
    locations: [{ country: DE }]
${status}`);

  it('enters a new processor as PROPOSED when an engineer’s manifest says ACTIVE', async () => {
    const { data, errors } = await apply(vendor('    status: ACTIVE\n'), asEngineer);
    expect(errors).toBeUndefined();
    expect(data!.applyManifest.changes).toContainEqual({ entity: 'processors', key: 'review-vendor', field: 'status', before: null, after: 'PROPOSED' });
    expect((await stored('review-vendor')).status).toBe('PROPOSED');
  });

  it('refuses an engineer’s status that differs from the stored one', async () => {
    const { errors } = await apply(vendor('    status: ACTIVE\n'), asEngineer);
    expect(errors![0].extensions!.problems).toEqual([
      {
        path: 'processors[0].status',
        key: 'review-vendor',
        message:
          'only a PRIVACY_OFFICER may change a processor\'s status ("PROPOSED" -> "ACTIVE"; the caller has ENGINEER): leave it out, ' +
          'and a privacy officer decides with approveProcessor, rejectProcessor or retireProcessor',
        line: 10,
      },
    ]);
    expect((await stored('review-vendor')).status).toBe('PROPOSED');
  });

  it('lets an engineer change a PROPOSED processor, but not an ACTIVE one', async () => {
    expect((await apply(vendor('    website: https://review.example\n'), asEngineer)).errors).toBeUndefined();
    const { errors } = await apply(manifestOf('  - { key: stripe, website: https://stripe.example }\n'), asEngineer);
    expect(errors![0].extensions!.problems).toEqual([
      {
        path: 'processors[0]',
        key: 'stripe',
        message: 'processor "stripe" is ACTIVE: only a PRIVACY_OFFICER may change it once it has left PROPOSED (it would change website)',
        line: 3,
      },
    ]);
  });

  it('lets the privacy officer set a status in a manifest', async () => {
    const { errors } = await apply(vendor('    status: REJECTED\n    statusReason: duplicate of aws\n'), asOfficer);
    expect(errors).toBeUndefined();
    expect((await stored('review-vendor')).status).toBe('REJECTED');
  });

  it('hides values the engineer may not read (DPA references) in the plan', async () => {
    await apply(manifestOf('  - { key: hidden-vendor, name: Hidden, service: Hosting, headquarters: DE, dpaReference: DPA-1 }\n'), asEngineer);
    const { data } = await apply(manifestOf('  - { key: hidden-vendor, dpaReference: DPA-2 }\n'), asEngineer, true);
    expect(data!.applyManifest.changes).toEqual([
      { entity: 'processors', key: 'hidden-vendor', field: 'dpaReference', before: '[restricted]', after: '[restricted]' },
    ]);
  });
});

describe('the manifest query and the round trip', () => {
  it('applies the export of the seeded map back with zero changes, for the officer and (without DPA references) the engineer', async () => {
    const fresh = await startTestApp();
    try {
      for (const headers of [asOfficer, asEngineer]) {
        const exported = await fresh.gql<{ manifest: string }>('{ manifest }', {}, headers);
        expect(exported.errors).toBeUndefined();
        expect(exported.data!.manifest.includes('dpaReference')).toBe(headers === asOfficer);
        const { data, errors } = await fresh.gql(APPLY, { manifest: exported.data!.manifest }, headers);
        expect(errors).toBeUndefined();
        expect(data!.applyManifest.changes).toEqual([]);
        expect(data!.applyManifest.entries).toHaveLength(entriesOf(parseYaml(exported.data!.manifest)));
        expect(data!.applyManifest.entries.every((e: { outcome: string }) => e.outcome === 'UNCHANGED')).toBe(true);
      }
      const stripe = await fresh.em().findOneOrFail(Processor, 'stripe');
      expect([stripe.dpaReference, stripe.version]).toEqual(['https://stripe.com/legal/dpa', 1]);
    } finally {
      await fresh.close();
    }
  });
});

describe('the access table, section by section', () => {
  /** The probe's manifest: an ENGINEER rewriting the legal model around a processor it may propose. */
  const REWRITE = `apiVersion: datamap/v1
organization:
  key: pythonmaster
  name: PythonMaster (we sell your data)
  dpo: { name: Someone Else, email: dpo@outside.example, designated: false }
dataCategories:
  - { key: contact, specialCategory: true }
rights:
  - { key: access, responseDays: 3650 }
activities:
  - { key: marketing-communications, legalBasis: LEGITIMATE_INTERESTS, legitimateInterest: growth, requiredConsent: null }
purposes:
  - { key: engineer-purpose, name: Engineer purpose }
processors:
  - { key: engineer-vendor, name: Engineer Vendor, service: Hosting, headquarters: DE, locations: [{ country: DE }] }
`;
  const problemsOf = (response: { errors?: { extensions?: Record<string, any> }[] }) =>
    response.errors![0].extensions!.problems.map(({ path, key, message }: { path: string; key: string; message: string }) => ({ path, key, message }));
  const refusal = (name: string, key: string, fields?: string) =>
    `only PRIVACY_OFFICER may ${fields ? 'change' : 'add'} ${name} entries ("${key}"${fields ? ` would change ${fields}` : ''}; ` +
    'the caller has ENGINEER): leave the entry out, or ask a privacy officer to apply it';

  it('refuses an ENGINEER’s changes outside PROPOSED processors, naming each entry, in a dry run and in the apply alike, and writes nothing', async () => {
    const audits = await app.em().count(AuditEntry);
    const before = await app.gql('{ manifest }', {}, asOfficer);
    for (const dryRun of [true, false]) {
      const response = await apply(REWRITE, asEngineer, dryRun);
      expect(response.data).toBeNull();
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(problemsOf(response)).toEqual([
        { path: 'organization', key: 'pythonmaster', message: refusal('organization', 'pythonmaster', 'name, dpo') },
        { path: 'dataCategories[0]', key: 'contact', message: refusal('dataCategories', 'contact', 'specialCategory') },
        { path: 'purposes[0]', key: 'engineer-purpose', message: refusal('purposes', 'engineer-purpose') },
        { path: 'rights[0]', key: 'access', message: refusal('rights', 'access', 'responseDays') },
        {
          path: 'activities[0]',
          key: 'marketing-communications',
          message: refusal('activities', 'marketing-communications', 'legalBasis, legitimateInterest, requiredConsent'),
        },
      ]);
      expect(response.errors![0].extensions!.problems[0].line).toBe(3);
    }
    expect(await app.gql('{ manifest }', {}, asOfficer)).toEqual(before);
    expect(await app.em().count(Processor, { key: 'engineer-vendor' })).toBe(0);
    expect(await app.em().count(AuditEntry)).toBe(audits);
    const marketing = await app.gql(`{ processingActivity(key: "marketing-communications") { legalBasis requiredConsent { key } } }`, {}, asEngineer);
    expect(marketing.data!.processingActivity).toEqual({ legalBasis: 'CONSENT', requiredConsent: { key: 'marketing-email' } });
  });

  it('lets the privacy officer apply the same manifest, and an ENGINEER apply entries of other sections left as stored', async () => {
    const unchanged = `apiVersion: datamap/v1
rights:
  - { key: access, responseDays: 30 }
activities:
  - { key: marketing-communications, legalBasis: CONSENT }
`;
    const { data, errors } = await apply(unchanged, asEngineer);
    expect(errors).toBeUndefined();
    expect(data!.applyManifest.changes).toEqual([]);
    const fresh = await startTestApp();
    try {
      const officer = await fresh.gql(APPLY, { manifest: REWRITE, dryRun: false }, asOfficer);
      expect(officer.errors).toBeUndefined();
      expect(officer.data!.applyManifest.entries.map((e: { key: string; outcome: string }) => `${e.key} ${e.outcome}`)).toEqual([
        'pythonmaster CHANGED',
        'contact CHANGED',
        'engineer-purpose ADDED',
        'access CHANGED',
        'marketing-communications CHANGED',
        'engineer-vendor ADDED',
      ]);
    } finally {
      await fresh.close();
    }
  });
});

describe('a manifest that makes a processor ACTIVE is an approval', () => {
  const APPROVAL = (key: string, extra = '') =>
    manifestOf(`  - { key: ${key}, name: Approval Vendor, service: Hosting, headquarters: DE, dpaReference: DPA-1, activities: [platform-hosting], dataCategories: [technical], locations: [{ country: DE }]${extra} }\n`);

  it('refuses, in a dry run and in the apply, an ACTIVE processor that would have an ERROR finding, as approveProcessor does', async () => {
    const audits = await app.em().count(AuditEntry);
    const noDpa = manifestOf('  - { key: approval-no-dpa, name: No DPA, service: Hosting, headquarters: DE, status: ACTIVE, activities: [certificates], dataCategories: [usage], locations: [{ country: DE }] }\n');
    for (const dryRun of [true, false]) {
      const { data, errors } = await apply(noDpa, asOfficer, dryRun);
      expect(data).toBeNull();
      expect(errors![0].extensions!.problems).toEqual([
        {
          path: 'processors[0].status',
          key: 'approval-no-dpa',
          message: expect.stringMatching(/^approveProcessor refuses "approval-no-dpa": ACTIVE, it would break the rule active-processor-without-dpa \(/),
          line: 3,
        },
      ]);
    }
    expect(await app.em().count(Processor, { key: 'approval-no-dpa' })).toBe(0);
    expect(await app.em().count(AuditEntry)).toBe(audits);
  });

  it('registers a new ACTIVE processor as PROPOSED and approves it: audited as applyManifest, then approveProcessor, and announced', async () => {
    const { data, errors } = await apply(APPROVAL('approval-new', ', status: ACTIVE, statusReason: reviewed in PR 12'), asOfficer);
    expect(errors).toBeUndefined();
    expect(data!.applyManifest.changes).toContainEqual({ entity: 'processors', key: 'approval-new', field: 'status', before: null, after: 'ACTIVE' });
    expect((await stored('approval-new')).status).toBe('ACTIVE');
    const trail = await app.em().find(AuditEntry, { entityKey: 'approval-new' }, { orderBy: { id: 'asc' } });
    expect(trail.map((e) => [e.operation, (e.before as { status?: string } | null)?.status ?? null, (e.after as { status: string }).status])).toEqual([
      ['applyManifest', null, 'PROPOSED'],
      ['approveProcessor', 'PROPOSED', 'ACTIVE'],
    ]);
    expect((trail[1].after as { statusReason: string }).statusReason).toBe('reviewed in PR 12');
    const list = (await (await fetch(`${app.url}/subprocessors.json`)).json()) as { changes: { kind: string; processor: string }[] };
    expect(list.changes[0]).toMatchObject({ kind: 'ADDED', processor: 'approval-new' });
  });

  it('approves a stored PROPOSED processor with the notice period, and refuses a status no decision leads to', async () => {
    const noticed = await startTestApp({ config: { subprocessorNoticeDays: 30 }, clock: () => new Date('2026-05-01T00:00:00Z') });
    try {
      const applyTo = (manifest: string, dryRun = false) => noticed.gql(APPLY, { manifest, dryRun }, asOfficer);
      expect((await noticed.gql(APPLY, { manifest: APPROVAL('approval-later') }, asEngineer)).errors).toBeUndefined();
      const approved = await applyTo(manifestOf('  - { key: approval-later, status: ACTIVE }\n'));
      expect(approved.errors).toBeUndefined();
      const processor = await noticed.em().findOneOrFail(Processor, 'approval-later');
      expect([processor.status, processor.effectiveFrom?.toISOString()]).toEqual(['ACTIVE', '2026-05-31T00:00:00.000Z']);
      const [approval] = await noticed.em().find(AuditEntry, { entityKey: 'approval-later', operation: 'approveProcessor' });
      expect((approval.after as { effectiveFrom: string }).effectiveFrom).toBe('2026-05-31T00:00:00.000Z');
      expect(await noticed.em().count(AuditEntry, { entityKey: 'approval-later', operation: 'applyManifest' })).toBe(1);

      const back = await applyTo(manifestOf('  - { key: approval-later, status: PROPOSED }\n'), true);
      expect(back.errors![0].extensions!.problems).toEqual([
        { path: 'processors[0].status', key: 'approval-later', message: 'no review decision returns a processor to PROPOSED; register a new one instead', line: 3 },
      ]);
      const retire = await applyTo(manifestOf('  - { key: approval-later, status: RETIRED }\n'));
      expect(retire.errors![0].extensions!.problems).toEqual([
        { path: 'processors[0].statusReason', key: 'approval-later', message: 'retireProcessor needs a reason; got null', line: 3 },
      ]);
    } finally {
      await noticed.close();
    }
  });
});
