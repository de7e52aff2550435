import { AuditEntry } from '../src/audit/audit-entry.entity';
import { Processor } from '../src/processor/processor.entity';
import { authAs, startTestApp, type TestApp } from './harness';

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
            'unknown field; expected one of key, name, description, source, assumed, legalName, service, website, headquarters, dpaReference, status, statusReason, dataCategories, activities, locations, subjectToGdpr',
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
        expect(data!.applyManifest.entries).toHaveLength(103);
        expect(data!.applyManifest.entries.every((e: { outcome: string }) => e.outcome === 'UNCHANGED')).toBe(true);
      }
      const stripe = await fresh.em().findOneOrFail(Processor, 'stripe');
      expect([stripe.dpaReference, stripe.version]).toEqual(['https://stripe.com/legal/dpa', 1]);
    } finally {
      await fresh.close();
    }
  });
});
