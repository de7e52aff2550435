import { DateTimeResolver } from 'graphql-scalars';
import { ArgsType, Field, InputType } from 'type-graphql';
import { PageArgs } from '../common/connection';

@InputType({ description: 'Which audit entries to list; every field given narrows the list.' })
export class AuditLogFilter {
  @Field(() => String, { nullable: true, description: 'Only changes to this kind of entity, such as `Processor`.' })
  entityType?: string | null;

  @Field(() => String, { nullable: true, description: 'Only changes to the entity with this key (combine with `entityType`).' })
  entityKey?: string | null;

  @Field(() => String, { nullable: true, description: "Only changes by this actor (the token's `sub`)." })
  actor?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Only changes at or after this time.' })
  from?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Only changes before this time.' })
  to?: Date | null;
}

@ArgsType()
export class AuditLogArgs extends PageArgs {
  @Field(() => AuditLogFilter, { nullable: true, description: 'Which entries to list; all when absent.' })
  filter?: AuditLogFilter | null;
}
