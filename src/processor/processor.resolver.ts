import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../common/connection';
import { loadReference } from '../common/registry.resolver';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import { paginateRows } from '../db/paginate';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { clocked, type RequestContext } from '../common/context';
import { Regime } from '../country/regime';
import type { Loaders } from '../db/loaders';
import { readRows, referenceKey, textArray, type Row } from '../db/rows';
import { LocationSafeguard } from './location-safeguard.entity';
import { TransferImpactAssessment } from './transfer-impact-assessment.entity';
import { TransferImpactAssessmentInput } from './transfer-impact-assessment.inputs';
import { recordTransferImpactAssessment } from './transfer-impact-assessment.service';
import { ProcessingLocation } from './processing-location.entity';
import { Processor, ProcessorStatus } from './processor.entity';
import { RegisterProcessorInput, UpdateProcessorInput } from './processor.inputs';
import { registerProcessor, transitionProcessor, updateProcessor } from './processor.service';

const actorOf = ({ viewer, requestId }: RequestContext) => ({ viewer, requestId });

const ProcessorConnection = Connection(Processor);

@ArgsType()
class ProcessorListArgs extends PageArgs {
  @Field(() => ProcessorStatus, { nullable: true, description: 'Only processors in this status.' })
  status?: ProcessorStatus | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only processors that receive data of this category: declared for it, for a broader one, or for a narrower one.',
  })
  receives?: string | null;
}

/** A processor declared for `contact` receives `contact.email`, and one declared for `contact.email` receives contact data. */
function receivesCategory(category: string) {
  const ancestors = category.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
  return { dataCategories: { $or: [{ key: { $in: ancestors } }, { key: { $like: `${category}.%` } }] } };
}

/** When a change is announced, and the notice period before it takes effect (SUBPROCESSOR_NOTICE_DAYS). */
const noticeOf = (ctx: RequestContext) => ({ now: ctx.clock(), noticeDays: ctx.settings.subprocessorNoticeDays });

@Resolver(() => Processor)
export class ProcessorResolver {
  @Query(() => ProcessorConnection, { description: 'Sub-processors and vendors, in key order.' })
  processors(@Args() { status, receives, ...page }: ProcessorListArgs, @Ctx() { loaders }: RequestContext) {
    return paginateRows(loaders, Processor, { ...(status ? { status } : {}), ...(receives ? receivesCategory(receives) : {}) }, page);
  }

  @Mutation(() => Processor, { description: 'Registers a processor as PROPOSED, linked to the activities it serves.' })
  registerProcessor(@Arg('input', () => RegisterProcessorInput) input: RegisterProcessorInput, @Ctx() ctx: RequestContext) {
    return registerProcessor(ctx.em, actorOf(ctx), input);
  }

  @Mutation(() => Processor, {
    description: 'Changes a processor. `expectedVersion` must be its current version; a stale one answers CONFLICT.',
  })
  updateProcessor(
    @Arg('key', () => ID) key: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('input', () => UpdateProcessorInput) input: UpdateProcessorInput,
    @Ctx() ctx: RequestContext,
  ) {
    return updateProcessor(ctx.em, actorOf(ctx), key, expectedVersion, input, noticeOf(ctx));
  }

  @Mutation(() => Processor, {
    description: 'PROPOSED -> ACTIVE: announced on /subprocessors at once; receives data from `effectiveFrom` (after SUBPROCESSOR_NOTICE_DAYS).',
  })
  approveProcessor(
    @Arg('key', () => ID) key: string,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return transitionProcessor(ctx.em, actorOf(ctx), 'approveProcessor', key, note, noticeOf(ctx), ctx.settings.transfers);
  }

  @Mutation(() => Processor, { description: 'PROPOSED -> REJECTED, with the reason.' })
  rejectProcessor(@Arg('key', () => ID) key: string, @Arg('reason') reason: string, @Ctx() ctx: RequestContext) {
    return transitionProcessor(ctx.em, actorOf(ctx), 'rejectProcessor', key, reason, noticeOf(ctx));
  }

  @Mutation(() => Processor, { description: 'ACTIVE -> RETIRED, with the reason: it keeps its history and leaves every data flow.' })
  retireProcessor(@Arg('key', () => ID) key: string, @Arg('reason') reason: string, @Ctx() ctx: RequestContext) {
    return transitionProcessor(ctx.em, actorOf(ctx), 'retireProcessor', key, reason, noticeOf(ctx));
  }

  @FieldResolver(() => Country, { description: 'Where the processor is established.' })
  headquarters(@Root() processor: Readonly<Processor>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Country, processor.headquarters);
  }

  @FieldResolver(() => [ProcessingLocation], { description: 'Where it processes data, and under which safeguard.' })
  locations(@Root() processor: Readonly<Processor>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Processor, 'locations').load(processor.key);
  }

  @FieldResolver(() => [DataCategory], { description: 'The categories it is declared to receive (a parent covers its children).' })
  dataCategories(@Root() processor: Readonly<Processor>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Processor, 'dataCategories').load(processor.key);
  }

  @FieldResolver(() => [ProcessingActivity], { description: 'The processing activities it serves.' })
  activities(@Root() processor: Readonly<Processor>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Processor, 'activities').load(processor.key);
  }

  @FieldResolver(() => Processor, {
    nullable: true,
    description: 'The processor that engaged this one as its sub-processor (Art. 28(2),(4)); null when the organisation engaged it.',
  })
  engagedBy(@Root() processor: Readonly<Processor>, @Ctx() ctx: RequestContext) {
    return processor.engagedBy ? loadReference(ctx, Processor, processor.engagedBy) : null;
  }

  @FieldResolver(() => [Processor], { description: 'The sub-processors it engaged, in key order: the next hops of its chains.' })
  subprocessors(@Root() processor: Readonly<Processor>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Processor, 'subprocessors').load(processor.key);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The data processing agreement (GDPR Art. 28(3)).' })
  dpaReference(@Root() processor: Readonly<Processor>): string | null {
    return processor.dpaReference ?? null;
  }
}

@Resolver(() => ProcessingLocation)
export class ProcessingLocationResolver {
  @FieldResolver(() => Country, { description: 'The country where data is processed.' })
  country(@Root() location: Readonly<ProcessingLocation>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Country, location.country);
  }

  @FieldResolver(() => [LocationSafeguard], {
    description:
      'What it rests on under each regime, in the order EU_GDPR, UK_GDPR, SWISS_FADP: the EU_GDPR entry is `mechanism`, ' +
      '`reference` and `dpf`; a regime without an entry has no safeguard recorded (its people\'s data is judged unsafeguarded there).',
  })
  safeguards(@Root() location: Readonly<ProcessingLocation>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(ProcessingLocation, 'safeguards').load(String(location.id));
  }

  @FieldResolver(() => TransferImpactAssessment, {
    nullable: true,
    description: 'The latest transfer impact assessment of this location under the regime (EU_GDPR by default); null when none is recorded.',
  })
  transferImpactAssessment(
    @Root() location: Readonly<ProcessingLocation>,
    @Arg('regime', () => Regime, { nullable: true, defaultValue: Regime.EU_GDPR }) regime: Regime | null,
    @Ctx() { loaders }: RequestContext,
  ) {
    const processor = referenceKey(loaders.em, location.processor);
    const country = referenceKey(loaders.em, location.country);
    return latestAssessments(loaders).load(`${processor}|${country}|${regime ?? Regime.EU_GDPR}`);
  }
}

/**
 * The latest assessment of each (processor, country, regime) asked for in a request, in one statement however
 * many locations the operation reads.
 */
function latestAssessments(loaders: Loaders) {
  return loaders.custom<string, TransferImpactAssessment | null>('latest-transfer-impact-assessment', async (keys) => {
    const rows = await readRows<TransferImpactAssessment & Row>(
      loaders.em,
      `select distinct on (t.processor_key, t.country_code, t.regime)
         t.id, t.processor_key as "processor", t.country_code as "country", t.regime, t.reference, t.assessed_at as "assessedAt",
         t.outcome, t.supplementary_measures as "supplementaryMeasures", t.recorded_at as "recordedAt"
       from transfer_impact_assessment t
       where t.processor_key || '|' || t.country_code || '|' || t.regime::text = any(?::text[])
       order by t.processor_key, t.country_code, t.regime, t.assessed_at desc, t.id desc`,
      [textArray(keys)],
    );
    const byKey = new Map(rows.map((row) => [`${row.processor}|${row.country}|${row.regime}`, row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

@Resolver(() => TransferImpactAssessment)
export class TransferImpactAssessmentResolver {
  @Mutation(() => TransferImpactAssessment, {
    description:
      'Records a transfer impact assessment of a processor location under a regime (audited). The latest one is the ' +
      "location's `transferImpactAssessment`: TRANSFER_SUSPENDED leaves the transfer unsafeguarded.",
  })
  recordTransferImpactAssessment(@Arg('input', () => TransferImpactAssessmentInput) input: TransferImpactAssessmentInput, @Ctx() ctx: RequestContext) {
    return recordTransferImpactAssessment(ctx.em, clocked(ctx), input);
  }

  @FieldResolver(() => Processor, { description: 'The processor assessed.' })
  processor(@Root() assessment: Readonly<TransferImpactAssessment>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Processor, assessment.processor);
  }

  @FieldResolver(() => Country, { description: 'The destination assessed.' })
  country(@Root() assessment: Readonly<TransferImpactAssessment>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Country, assessment.country);
  }
}
