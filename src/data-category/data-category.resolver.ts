import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../common/connection';
import { loadReference } from '../common/registry.resolver';
import { paginateRows } from '../db/paginate';
import type { RequestContext } from '../common/context';
import { DataCategory } from './data-category.entity';

const DataCategoryConnection = Connection(DataCategory);

@ArgsType()
class DataCategoryListArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only the direct children of this category.' })
  parent?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True: only top-level categories.' })
  rootsOnly?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only GDPR Art. 9 special categories (true) or only the others (false).' })
  specialCategory?: boolean | null;
}

@Resolver(() => DataCategory)
export class DataCategoryResolver {
  @Query(() => DataCategoryConnection, { description: 'Data categories, in key order.' })
  dataCategories(@Args() { parent, rootsOnly, specialCategory, ...page }: DataCategoryListArgs, @Ctx() { loaders }: RequestContext) {
    return paginateRows(
      loaders,
      DataCategory,
      {
        ...(parent ? { parent } : rootsOnly ? { parent: null } : {}),
        ...(specialCategory === null || specialCategory === undefined ? {} : { specialCategory }),
      },
      page,
    );
  }

  @FieldResolver(() => DataCategory, { nullable: true, description: 'The broader category; null at the top.' })
  parent(@Root() category: Readonly<DataCategory>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, DataCategory, category.parent);
  }

  @FieldResolver(() => [DataCategory], { description: 'The narrower categories, in key order.' })
  children(@Root() category: Readonly<DataCategory>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(DataCategory, 'children').load(category.key);
  }
}
