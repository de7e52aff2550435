import { Args, ArgsType, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { Connection, decodeCursor, PageArgs, pageSize, toPage } from '../common/connection';
import type { RequestContext } from '../common/context';
import { FindingSeverity, type Finding as FindingData, type FindingEntityRef } from './findings.rules';
import { findingsOf } from './findings.service';

@ObjectType({ description: 'An entity a finding concerns.' })
class FindingEntity implements FindingEntityRef {
  @Field(() => String, { description: 'The kind of entity: Organization, Processor, ProcessingActivity, DataCategory, CollectionPoint, Country, RightsRequest, Breach, Vendor (a vendor key of the evidence catalogue), or another registry type (DataSubjectType, Purpose, SecurityMeasure, ...).' })
  type!: FindingEntityRef['type'];

  @Field(() => ID, { description: 'Its key (a country: its ISO code).' })
  key!: string;
}

@ObjectType({ description: 'Something in the data map that breaks a rule, with what to do about it.' })
export class Finding implements FindingData {
  @Field(() => FindingSeverity)
  severity!: FindingSeverity;

  @Field({ description: 'The rule, such as `transfer-without-safeguard`; the README lists them.' })
  rule!: string;

  @Field({ description: 'What is wrong, naming the entities.' })
  message!: string;

  @Field(() => [FindingEntity], { description: 'The entities involved.' })
  entities!: FindingEntity[];

  @Field({ description: 'How to fix it.' })
  fix!: string;
}

const FindingConnection = Connection(Finding);

@ArgsType()
class FindingArgs extends PageArgs {
  @Field(() => FindingSeverity, { nullable: true, description: 'Only findings of this severity.' })
  severity?: FindingSeverity | null;

  @Field(() => String, { nullable: true, description: 'Only findings of this rule.' })
  rule?: string | null;
}

@Resolver()
export class FindingResolver {
  @Query(() => FindingConnection, { description: 'The data map checked against the rules: errors first, then warnings, then information.' })
  async findings(@Args() { severity, rule, first, after }: FindingArgs, @Ctx() { em, clock, settings }: RequestContext) {
    const all = (await findingsOf(em, clock(), settings.transfers)).filter((f) => (!severity || f.severity === severity) && (!rule || f.rule === rule));
    const size = pageSize(first);
    const start = (decodeCursor<number>(after, 'number') ?? -1) + 1;
    const rows = all.slice(start, start + size + 1).map((finding, i) => ({ finding, index: start + i }));
    const page = toPage(rows, size, all.length, (row) => row.index);
    return { ...page, nodes: page.nodes.map((row) => row.finding) };
  }
}
