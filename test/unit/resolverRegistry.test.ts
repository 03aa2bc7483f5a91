import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { resolvers } from '../../src/schema';

const MODULES = join(__dirname, '../../src/modules');

/** Every `*.resolver.ts` under src/modules, found on disk rather than from the list under test. */
function resolverFiles(): string[] {
  return readdirSync(MODULES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.resolver.ts'))
    .map((file) => join(MODULES, file))
    .sort();
}

describe('the resolver registry in src/schema.ts', () => {
  it('registers every @Resolver class that a module file declares, so a new one cannot be left out silently', () => {
    const files = resolverFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) jest.requireActual(file);

    // By name: type-graphql keeps its metadata in a global that outlives a test file's module
    // registry, so classes loaded by an earlier file in the same worker are other objects.
    const registered = new Set<string>(resolvers.map((resolver) => resolver.name));
    const declared = new Set(getMetadataStorage().resolverClasses.map((resolver) => resolver.target.name));
    const missing = [...declared].filter((name) => !registered.has(name));

    expect(missing).toEqual([]);
  });

  it('lists each resolver once', () => {
    const names = resolvers.map((resolver) => resolver.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });
});

describe('plain fields (src/schema.ts, resolvePropertiesPlainly)', () => {
  it("leave their values to graphql-js's default resolver, except a field named unlike its property", async () => {
    const { buildAppSchema } = jest.requireActual<typeof import('../../src/schema')>('../../src/schema');
    const schema = await buildAppSchema();
    const field = (type: string, name: string) => {
      const object = schema.getType(type);
      if (!object || !('getFields' in object)) throw new Error(`no type ${type}`);
      return (object as GraphQLObjectType).getFields()[name];
    };
    // Properties read as they are.
    expect(field('City', 'slug').resolve).toBeUndefined();
    expect(field('Observation', 'value').resolve).toBeUndefined();
    // A field resolver keeps its method.
    expect(field('City', 'observations').resolve).toBeInstanceOf(Function);
    // Commitment.id is the row's lineageId, not its id: read through type-graphql's wrapper.
    expect(field('Commitment', 'id').resolve).toBeInstanceOf(Function);
    const row = { id: 7, lineageId: 3 };
    expect(field('Commitment', 'id').resolve!(row, {}, {}, {} as never)).toBe(3);
  });
});
