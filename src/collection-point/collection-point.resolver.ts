import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../common/context';
import { DataCategory } from '../data-category/data-category.entity';
import { CollectionPoint } from './collection-point.entity';

@Resolver(() => CollectionPoint)
export class CollectionPointResolver {
  @FieldResolver(() => [DataCategory], { description: 'The categories of data collected here.' })
  categories(@Root() point: Readonly<CollectionPoint>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(CollectionPoint, 'categories').load(point.key);
  }
}
