import { JSONResolver } from 'graphql-scalars';
import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { ACCESS } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { badInput } from '../common/errors';
import type { RequestContext } from '../common/context';
import {
  applyManifestText,
  exportManifest,
  ManifestInvalid,
  ManifestOutcome,
  manifestYaml,
  type ManifestChange as ManifestChangeData,
  type ManifestEntryPlan,
  type ManifestPlan as ManifestPlanData,
} from './manifest.service';

registerEnumType(ManifestOutcome, {
  name: 'ManifestOutcome',
  description: 'What a manifest does to an entry it names.',
  valuesConfig: {
    ADDED: { description: 'The entry is new.' },
    CHANGED: { description: 'At least one field changes; `changes` lists them.' },
    UNCHANGED: { description: 'The manifest matches what is stored.' },
  },
});

@ObjectType({ description: 'One field a manifest changes, with its value before and after.' })
class ManifestChange implements ManifestChangeData {
  @Field({ description: 'The manifest section, such as `processors`, or `organization`.' })
  entity!: string;

  @Field(() => ID, { description: 'The entry’s key.' })
  key!: string;

  @Field({ description: 'The field, as the manifest names it, such as `dpaReference` or `locations`.' })
  field!: string;

  @Field(() => JSONResolver, { nullable: true, description: 'The stored value; null when empty or when the entry is new.' })
  before!: unknown;

  @Field(() => JSONResolver, { nullable: true, description: 'The value after the manifest; null when it clears the field.' })
  after!: unknown;
}

@ObjectType({ description: 'An entry a manifest names, and whether it adds, changes or leaves it.' })
class ManifestEntry implements ManifestEntryPlan {
  @Field({ description: 'The manifest section, such as `processors`, or `organization`.' })
  entity!: string;

  @Field(() => ID)
  key!: string;

  @Field(() => ManifestOutcome)
  outcome!: ManifestOutcome;
}

@ObjectType({ description: 'What a manifest changes: written when `applied`, only planned in a dry run.' })
class ManifestPlan implements ManifestPlanData {
  @Field({ description: 'True when the changes were written; false for a dry run.' })
  applied!: boolean;

  @Field(() => [ManifestChange], { description: 'Every field that changes, entry by entry, in manifest order.' })
  changes!: ManifestChange[];

  @Field(() => [ManifestEntry], { description: 'Every entry the manifest names, with its outcome.' })
  entries!: ManifestEntry[];
}

/**
 * Manifest fields that fewer roles may read than may call the operation: the access table's restricted fields, by
 * their manifest names. A plan or an export shows them only to those roles.
 */
const RESTRICTED = [
  { entity: 'processors', field: 'dpaReference', roles: ACCESS.Fields.Processor.dpaReference },
  { entity: 'organization', field: 'email', roles: ACCESS.Fields.Organization.email },
  { entity: 'organization', field: 'phone', roles: ACCESS.Fields.Organization.phone },
  { entity: 'organization', field: 'address', roles: ACCESS.Fields.Organization.address },
  { entity: 'organization', field: 'dpo', roles: ACCESS.Fields.Organization.dpoName },
];

const hiddenFrom = (viewer: Viewer | null) =>
  RESTRICTED.filter(({ roles }) => !viewer?.roles.some((role) => (roles as readonly string[]).includes(role)));

const HIDDEN = '[restricted]';

@Resolver()
export class ManifestResolver {
  @Mutation(() => ManifestPlan, {
    description:
      'Applies a manifest (YAML or JSON text, the format of `datamap apply`) in one transaction, audited as the caller. ' +
      'Fields an entry leaves out keep their stored values; null or [] clears them. Only a PRIVACY_OFFICER may set a ' +
      'processor’s status. A problem anywhere answers BAD_USER_INPUT listing every problem, and nothing is written.',
  })
  async applyManifest(
    @Arg('manifest', { description: 'The manifest text.' }) manifest: string,
    @Arg('dryRun', () => Boolean, { defaultValue: false, description: 'Plan only: list the changes and write nothing.' }) dryRun: boolean,
    @Ctx() { em, viewer, requestId, clock, settings }: RequestContext,
  ): Promise<ManifestPlanData> {
    let plan: ManifestPlanData;
    try {
      const notice = { now: clock(), noticeDays: settings.subprocessorNoticeDays };
      plan = await applyManifestText(em, manifest, { dryRun, actor: { viewer, requestId }, notice, transfers: settings.transfers });
    } catch (error) {
      if (!(error instanceof ManifestInvalid)) throw error;
      throw badInput(error.message, { field: 'manifest', problems: error.problems });
    }
    const hidden = hiddenFrom(viewer);
    const hide = (change: ManifestChangeData) =>
      hidden.some((h) => h.entity === change.entity && h.field === change.field)
        ? { ...change, before: change.before === null ? null : HIDDEN, after: change.after === null ? null : HIDDEN }
        : change;
    return { ...plan, changes: plan.changes.map(hide) };
  }

  @Query(() => String, {
    description:
      'The current map as a manifest (YAML), as `datamap export` writes it. Fields the caller may not read are left out, ' +
      'so applying the export back keeps them.',
  })
  async manifest(@Ctx() { em, viewer }: RequestContext): Promise<string> {
    const map = (await exportManifest(em)) as unknown as Record<string, Record<string, unknown>[] | Record<string, unknown>>;
    for (const { entity, field } of hiddenFrom(viewer)) {
      const entries = map[entity];
      for (const entry of Array.isArray(entries) ? entries : entries ? [entries] : []) delete entry[field];
    }
    return manifestYaml(map);
  }
}
