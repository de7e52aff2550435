import { getNamedType } from 'graphql';
import type { Role } from '../src/auth/viewer';
import { AuditEntry } from '../src/audit/audit-entry.entity';
import { recordAudit } from '../src/audit/audit.service';
import { buildDatamapSchema } from '../src/server/schema';
import { auditEntriesFor, auditEntryCount } from './audit-helpers';
import { authAs, startTestApp, type TestApp } from './harness';

const AUDIT_LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { at actor roles operation entityType entityKey before after requestId }
  }
}`;

/** The trail the tests read: five changes by two people over three days, written oldest first. */
const CHANGES: { at: string; actor: string; roles: `${Role}`[]; operation: string; entityType: string; entityKey: string; before: unknown; after: unknown }[] = [
  { at: '2026-03-01T09:00:00.000Z', actor: 'alice@pythonmaster.com', roles: ['ENGINEER'], operation: 'registerProcessor', entityType: 'Processor', entityKey: 'plausible', before: null, after: { key: 'plausible', status: 'PROPOSED' } },
  { at: '2026-03-01T10:00:00.000Z', actor: 'alice@pythonmaster.com', roles: ['ENGINEER'], operation: 'updateProcessor', entityType: 'Processor', entityKey: 'plausible', before: { name: 'Plausible' }, after: { name: 'Plausible Analytics' } },
  { at: '2026-03-02T09:00:00.000Z', actor: 'dpo@pythonmaster.com', roles: ['PRIVACY_OFFICER'], operation: 'approveProcessor', entityType: 'Processor', entityKey: 'plausible', before: { status: 'PROPOSED' }, after: { status: 'ACTIVE' } },
  { at: '2026-03-02T11:00:00.000Z', actor: 'dpo@pythonmaster.com', roles: ['PRIVACY_OFFICER'], operation: 'updateAgePolicy', entityType: 'AgePolicy', entityKey: 'FR', before: { digitalConsentAge: 16 }, after: { digitalConsentAge: 15 } },
  { at: '2026-03-03T09:00:00.000Z', actor: 'dpo@pythonmaster.com', roles: ['PRIVACY_OFFICER'], operation: 'retireProcessor', entityType: 'Processor', entityKey: 'mailchimp', before: { status: 'ACTIVE' }, after: { status: 'RETIRED' } },
];

let app: TestApp;
let asOfficer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp({ seed: false });
  asOfficer = await authAs('PRIVACY_OFFICER');
  for (const [index, { at, actor, roles, ...change }] of CHANGES.entries()) {
    await app.em().transactional(async (tx) => {
      recordAudit(tx, { viewer: { subject: actor, roles: roles as Role[] }, requestId: `request-${index}` }, change).at = new Date(at);
    });
  }
});
afterAll(() => app.close());

const operationsOf = (data: any) => data.auditLog.nodes.map((node: { operation: string }) => node.operation);

describe('auditLog', () => {
  it('lists every entry newest first, with all it recorded', async () => {
    const { data, errors } = await app.gql(AUDIT_LOG, {}, asOfficer);
    expect(errors).toBeUndefined();
    expect(data!.auditLog.totalCount).toBe(5);
    expect(operationsOf(data)).toEqual(['retireProcessor', 'updateAgePolicy', 'approveProcessor', 'updateProcessor', 'registerProcessor']);
    expect(data!.auditLog.nodes[4]).toEqual({
      at: '2026-03-01T09:00:00.000Z', actor: 'alice@pythonmaster.com', roles: ['ENGINEER'], operation: 'registerProcessor',
      entityType: 'Processor', entityKey: 'plausible', before: null, after: { key: 'plausible', status: 'PROPOSED' }, requestId: 'request-0',
    });
  });

  it.each([
    ['entity type', { entityType: 'AgePolicy' }, ['updateAgePolicy']],
    ['entity', { entityType: 'Processor', entityKey: 'plausible' }, ['approveProcessor', 'updateProcessor', 'registerProcessor']],
    ['actor', { actor: 'alice@pythonmaster.com' }, ['updateProcessor', 'registerProcessor']],
    ['time range (from inclusive, to exclusive)', { from: '2026-03-01T10:00:00Z', to: '2026-03-02T11:00:00Z' }, ['approveProcessor', 'updateProcessor']],
    ['start time only', { from: '2026-03-02T11:00:00Z' }, ['retireProcessor', 'updateAgePolicy']],
    ['actor and time range together', { actor: 'dpo@pythonmaster.com', to: '2026-03-03T00:00:00Z' }, ['updateAgePolicy', 'approveProcessor']],
    ['an actor with no changes', { actor: 'nobody@pythonmaster.com' }, []],
  ])('filters by %s', async (_name, filter, operations) => {
    const { data, errors } = await app.gql(AUDIT_LOG, { filter }, asOfficer);
    expect(errors).toBeUndefined();
    expect(operationsOf(data)).toEqual(operations);
    expect(data!.auditLog.totalCount).toBe(operations.length);
  });

  it('pages through the trail with first and after, newest first', async () => {
    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const { data, errors }: { data?: any; errors?: unknown } = await app.gql(AUDIT_LOG, { first: 2, after }, asOfficer);
      expect(errors).toBeUndefined();
      expect(data.auditLog.totalCount).toBe(5);
      pages.push(operationsOf(data));
      if (!data.auditLog.pageInfo.hasNextPage) break;
      after = data.auditLog.pageInfo.endCursor;
    }
    expect(pages).toEqual([['retireProcessor', 'updateAgePolicy'], ['approveProcessor', 'updateProcessor'], ['registerProcessor']]);
  });

  it.each([
    ['a forged cursor', { after: 'bm90LWEtY3Vyc29y' }, 'after "bm90LWEtY3Vyc29y" is not a cursor this list issued', 'after'],
    ['a cursor of another list', { after: Buffer.from(JSON.stringify('stripe')).toString('base64url') }, `after "${Buffer.from(JSON.stringify('stripe')).toString('base64url')}" is not a cursor this list issued`, 'after'],
    ['a time range that ends before it starts', { filter: { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' } },
      'filter.from (2026-03-02T00:00:00.000Z) must be before filter.to (2026-03-01T00:00:00.000Z)', 'filter.from'],
    ['a page larger than 1000', { first: 1001 }, 'first must be between 1 and 1000; got 1001', 'first'],
  ])('answers %s with BAD_USER_INPUT', async (_name, variables, message, field) => {
    const { data, errors } = await app.gql(AUDIT_LOG, variables, asOfficer);
    expect(data).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
  });

  it('serves privacy officers and auditors only', async () => {
    for (const role of ['PRIVACY_OFFICER', 'AUDITOR'] as const) {
      const { data, errors } = await app.gql(AUDIT_LOG, {}, await authAs(role));
      expect(errors).toBeUndefined();
      expect(data!.auditLog.totalCount).toBe(5);
    }
    for (const role of ['VIEWER', 'ENGINEER', 'SIGNUP_SERVICE'] as const) {
      const { data, errors } = await app.gql(AUDIT_LOG, {}, await authAs(role));
      expect(data).toBeNull();
      expect(errors).toEqual([
        expect.objectContaining({ message: `Forbidden: Query.auditLog is open to PRIVACY_OFFICER, AUDITOR; the token grants ${role}`, extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      ]);
    }
    expect((await app.gql(AUDIT_LOG)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('the audit trail is append-only', () => {
  it('has no operation in the API that changes or removes an entry', async () => {
    const schema = await buildDatamapSchema();
    const mutationType = schema.getMutationType();
    const touchingTheTrail = Object.values(mutationType?.getFields() ?? {}).filter(
      (field) => /audit/i.test(field.name) || /^AuditEntry/.test(getNamedType(field.type).name),
    );
    expect(touchingTheTrail.map((field) => field.name)).toEqual([]);
  });

  it('is refused by the database: no UPDATE, no DELETE and no TRUNCATE, whoever sends them', async () => {
    const before = await auditEntriesFor(app, 'Processor', 'plausible');
    await expect(app.em().getConnection().execute('truncate audit_entry')).rejects.toThrow('the audit trail is append-only');
    await expect(app.em().getConnection().execute('truncate audit_entry restart identity cascade')).rejects.toThrow('the audit trail is append-only');
    await expect(app.em().nativeUpdate(AuditEntry, { entityKey: 'plausible' }, { actor: 'mallory' })).rejects.toThrow('the audit trail is append-only');
    await expect(app.em().getConnection().execute(`delete from audit_entry where entity_key = 'plausible'`)).rejects.toThrow('the audit trail is append-only');
    await expect(app.em().nativeDelete(AuditEntry, {})).rejects.toThrow('the audit trail is append-only');
    expect(await auditEntriesFor(app, 'Processor', 'plausible')).toEqual(before);
    expect(await auditEntryCount(app)).toBe(5);
  });

  it('records an entry and the change it belongs to in one transaction: a failed change leaves no entry', async () => {
    await expect(
      app.em().transactional(async (tx) => {
        recordAudit(tx, { viewer: { subject: 'alice@pythonmaster.com', roles: ['ENGINEER' as Role] } }, {
          operation: 'updateProcessor', entityType: 'Processor', entityKey: 'zendesk', before: null, after: null,
        });
        await tx.flush();
        throw new Error('the change failed after its entry was written');
      }),
    ).rejects.toThrow('the change failed after its entry was written');
    expect(await auditEntriesFor(app, 'Processor', 'zendesk')).toEqual([]);
    expect(await auditEntryCount(app)).toBe(5);
  });
});
