import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  Kind,
  type SelectionSetNode,
} from 'graphql';

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/**
 * The nodes of the fields a query selects at `path` below `fieldNodes` (through aliases, inline
 * fragments and named fragments), in query order. A field under @skip or @include counts as
 * selected: what is read ahead is a superset, never less.
 */
export function selectedFieldNodes(
  fieldNodes: readonly FieldNode[],
  fragments: Fragments,
  path: string[],
): FieldNode[] {
  const found: FieldNode[] = [];
  const walk = (selectionSet: SelectionSetNode | undefined, depth: number) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (depth === path.length) found.push(selection);
        else if (selection.name.value === path[depth]) walk(selection.selectionSet, depth + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth);
      } else {
        walk(fragments[selection.name.value]?.selectionSet, depth);
      }
    }
  };
  for (const node of fieldNodes) walk(node.selectionSet, 0);
  return found;
}

/**
 * The names of the fields a query selects at `path` below the field being resolved, e.g.
 * ['series', 'points'] in `compare`. Lets a resolver read only the columns the client asked for.
 */
export function selectedFields(info: GraphQLResolveInfo, path: string[]): Set<string> {
  return new Set(selectedFieldNodes(info.fieldNodes, info.fragments, path).map((node) => node.name.value));
}

/**
 * The properties a selection reads, given the properties each field reads (`byField`) and those
 * always read; undefined (every property) when a field is not in `byField`, so a field left out
 * of the table costs time, never a wrong answer.
 */
export function selectedProperties(
  fields: Iterable<string>,
  byField: Readonly<Record<string, readonly string[]>>,
  always: Iterable<string>,
): Set<string> | undefined {
  const properties = new Set<string>(always);
  for (const field of fields) {
    if (!Object.hasOwn(byField, field)) return undefined;
    for (const property of byField[field]) properties.add(property);
  }
  return properties;
}
