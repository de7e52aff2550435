import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Connection } from '../common/connection';
import type { RequestContext } from '../common/context';
import { AuditEntry } from './audit-entry.entity';
import { AuditLogArgs } from './audit.inputs';
import { listAuditEntries } from './audit.service';

const AuditEntryConnection = Connection(AuditEntry);

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description: 'The audit trail: every change made through the API, newest first. Privacy officers and auditors only.',
  })
  auditLog(@Args() { filter, ...page }: AuditLogArgs, @Ctx() { em }: RequestContext) {
    return listAuditEntries(em, filter, page);
  }
}
