import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../common/context';
import { DataCategory } from '../data-category/data-category.entity';
import { Processor } from '../processor/processor.entity';
import { EvidenceInput, VendorInput } from './evidence.inputs';
import { EvidenceStatus, type DataTypeJudgment, type VendorJudgment } from './evidence.rules';
import {
  evidenceReport,
  evidenceReports,
  observedVendors,
  reconcileEvidence,
  registerVendor,
  removeVendor,
  vendorList,
} from './evidence.service';
import { EvidenceDataType, EvidenceReport, EvidenceVendor, Vendor } from './evidence.types';
import { ECOSYSTEMS, processorKeyOf, type VendorEntry } from './vendor-catalogue';

const actorOf = ({ viewer, requestId }: RequestContext) => ({ viewer, requestId });

/** A catalogue entry as the API shows it. */
const vendorOf = (entry: VendorEntry): Vendor => ({
  key: entry.key,
  name: entry.name,
  service: entry.service ?? null,
  processorKey: processorKeyOf(entry),
  packages: ECOSYSTEMS.flatMap((ecosystem) => (entry.packages[ecosystem] ?? []).map((name) => ({ ecosystem, name }))),
  hosts: entry.hosts,
  aliases: entry.aliases,
  source: entry.source ?? null,
  origin: entry.origin,
});

@Resolver()
export class EvidenceResolver {
  @Mutation(() => EvidenceReport, {
    description:
      "Stores a repository's evidence of what its code calls (it replaces the repository's previous evidence) and judges it against " +
      'the map: each vendor DECLARED, PENDING_REVIEW or UNDECLARED, and per data type sent whether its processor is declared for it.',
  })
  reconcileEvidence(@Arg('input', () => EvidenceInput) input: EvidenceInput, @Ctx() ctx: RequestContext) {
    return reconcileEvidence(ctx.em, actorOf(ctx), input, ctx.clock());
  }

  @Query(() => EvidenceReport, { nullable: true, description: "A repository's latest evidence, judged against the map now; null when it sent none." })
  evidence(@Arg('repository') repository: string, @Ctx() { em }: RequestContext) {
    return evidenceReport(em, repository);
  }

  @Query(() => [EvidenceReport], { description: "Every repository's latest evidence, judged against the map now, in repository order." })
  evidenceReports(@Ctx() { em }: RequestContext) {
    return evidenceReports(em);
  }

  @Query(() => [EvidenceVendor], {
    description:
      'Every vendor that the latest evidence of any repository shows the code calling, judged against the map now; with `status`, only ' +
      'those: `observedVendors(status: UNDECLARED)` are the recipients the map lacks.',
  })
  observedVendors(@Arg('status', () => EvidenceStatus, { nullable: true }) status: EvidenceStatus | null, @Ctx() { em }: RequestContext) {
    return observedVendors(em, status);
  }

  @Query(() => [Vendor], { description: 'The vendor catalogue in force: the bundled entries and those registered, in key order.' })
  async vendors(@Ctx() { em }: RequestContext) {
    return (await vendorList(em)).map(vendorOf);
  }

  @Query(() => Vendor, { nullable: true, description: 'One vendor of the catalogue; null when it has none of that key.' })
  async vendor(@Arg('key', () => ID) key: string, @Ctx() { em }: RequestContext) {
    const entry = (await vendorList(em)).find((vendor) => vendor.key === key);
    return entry ? vendorOf(entry) : null;
  }

  @Mutation(() => Vendor, {
    description: 'Adds a vendor to the catalogue, or replaces the entry of its key (a bundled one too): its SDK packages, API hosts and processor.',
  })
  async registerVendor(@Arg('input', () => VendorInput) input: VendorInput, @Ctx() ctx: RequestContext) {
    return vendorOf(await registerVendor(ctx.em, actorOf(ctx), input));
  }

  @Mutation(() => Vendor, {
    nullable: true,
    description: 'Removes a vendor registered through the API; answers the bundled entry of its key, in force again, or null.',
  })
  async removeVendor(@Arg('key', () => ID) key: string, @Ctx() ctx: RequestContext) {
    const bundled = await removeVendor(ctx.em, actorOf(ctx), key);
    return bundled ? vendorOf(bundled) : null;
  }
}

@Resolver(() => EvidenceVendor)
export class EvidenceVendorResolver {
  @FieldResolver(() => Processor, { nullable: true, description: 'The processor of its key; null when none is registered.' })
  processor(@Root() vendor: Readonly<VendorJudgment>, @Ctx() { loaders }: RequestContext) {
    return vendor.processor ? loaders.byKey(Processor).load(vendor.processorKey) : null;
  }
}

@Resolver(() => EvidenceDataType)
export class EvidenceDataTypeResolver {
  @FieldResolver(() => DataCategory, { nullable: true, description: 'The category itself, when the map has it.' })
  category(@Root() type: Readonly<DataTypeJudgment>, @Ctx() { loaders }: RequestContext) {
    return type.inMap && type.categoryKey ? loaders.byKey(DataCategory).load(type.categoryKey) : null;
  }
}

@Resolver(() => Vendor)
export class VendorResolver {
  @FieldResolver(() => Processor, { nullable: true, description: 'The processor of its key; null when none is registered.' })
  processor(@Root() vendor: Readonly<Vendor>, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Processor).load(vendor.processorKey);
  }
}
