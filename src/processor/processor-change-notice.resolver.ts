import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../common/connection';
import { clocked, type RequestContext } from '../common/context';
import { loadReference } from '../common/registry.resolver';
import { ProcessorChangeDecision, ProcessorChangeNotice } from './processor-change-notice.entity';
import { decideProcessorChange, listProcessorChangeNotices, recordProcessorChangeNotice } from './processor-change-notice.service';
import { Processor } from './processor.entity';

const ProcessorChangeNoticeConnection = Connection(ProcessorChangeNotice);

@ArgsType()
class ProcessorChangeNoticeListArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: "Only this processor's notices." })
  processor?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only undecided (true) or decided (false) notices.' })
  undecided?: boolean | null;
}

@Resolver(() => ProcessorChangeNotice)
export class ProcessorChangeNoticeResolver {
  @Query(() => ProcessorChangeNoticeConnection, {
    description: "Processors' notices of changes under their DPAs (Art. 28(2)), the nearest objection deadline first.",
  })
  processorChangeNotices(@Args() args: ProcessorChangeNoticeListArgs, @Ctx() { em }: RequestContext) {
    return listProcessorChangeNotices(em, args);
  }

  @Mutation(() => ProcessorChangeNotice, {
    description: "Records a processor's notice of an intended change under its DPA, such as a new sub-processor of its own (Art. 28(2)).",
  })
  recordProcessorChangeNotice(
    @Arg('processor', () => ID, { description: 'The processor that sent it, by key (ACTIVE).' }) processor: string,
    @Arg('description', { description: 'What it announced; at most 10,000 characters.' }) description: string,
    @Arg('receivedAt', () => DateTimeResolver) receivedAt: Date,
    @Arg('objectionDeadline', () => DateTimeResolver, { description: 'The last moment to object, as its DPA sets it.' }) objectionDeadline: Date,
    @Ctx() ctx: RequestContext,
  ) {
    return recordProcessorChangeNotice(ctx.em, clocked(ctx), { processor, description, receivedAt, objectionDeadline });
  }

  @Mutation(() => ProcessorChangeNotice, { description: 'Objects to the change, before its deadline, with the reason the processor is told.' })
  objectToProcessorChange(@Arg('id', () => ID) id: string, @Arg('reason') reason: string, @Ctx() ctx: RequestContext) {
    return decideProcessorChange(ctx.em, clocked(ctx), id, ProcessorChangeDecision.OBJECTED, reason);
  }

  @Mutation(() => ProcessorChangeNotice, { description: 'Accepts the change, with an optional note.' })
  acceptProcessorChange(@Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: RequestContext) {
    return decideProcessorChange(ctx.em, clocked(ctx), id, ProcessorChangeDecision.ACCEPTED, note);
  }

  @FieldResolver(() => Processor)
  processor(@Root() notice: ProcessorChangeNotice, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Processor, notice.processor);
  }
}
