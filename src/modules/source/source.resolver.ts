import { Args, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { type Connection, connectionType, PageArgs, paginate } from '../common/connection';
import { sql } from '../common/sqlTag';
import { Release } from './release.entity';
import { Source } from './source.entity';

export const SourceConnection = connectionType('Source', Source);
export const ReleaseConnection = connectionType('Release', Release);

@Resolver(() => Source)
export class SourceResolver {
  @Query(() => SourceConnection, { description: 'Every source, oldest first' })
  sources(@Ctx() context: Context, @Args(() => PageArgs) args: PageArgs): Promise<Connection<Source>> {
    return paginate(context.dataSource, {
      entity: Source,
      alias: 's',
      ordering: 'source',
      keys: [{ expression: sql`s.id`, value: (s) => s.id }],
      first: args.first,
      after: args.after,
      limits: context.config,
    });
  }
}

@Resolver(() => Release)
export class ReleaseResolver {
  @Query(() => ReleaseConnection, { description: 'Every release, oldest first' })
  releases(@Ctx() context: Context, @Args(() => PageArgs) args: PageArgs): Promise<Connection<Release>> {
    return paginate(context.dataSource, {
      entity: Release,
      alias: 'r',
      ordering: 'release',
      keys: [{ expression: sql`r.id`, value: (r) => r.id }],
      first: args.first,
      after: args.after,
      limits: context.config,
    });
  }

  @FieldResolver(() => Source, { nullable: true })
  source(@Parent() release: Release, @Ctx() context: Context): Promise<Source | null> | null {
    return release.sourceId === null ? null : context.loaders.sourceById.load(release.sourceId);
  }
}
