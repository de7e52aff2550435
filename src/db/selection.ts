import {
  isInterfaceType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** For each object type, the fields an operation selects on it anywhere (in fragments too). */
export type SelectedFields = ReadonlyMap<string, ReadonlySet<string>>;

const cache = new WeakMap<OperationDefinitionNode, SelectedFields>();

/**
 * What one operation reads of each type, so that the loaders read only those columns. One column set per type
 * and operation (not per place in the query) keeps one loader, hence one statement, per type. Apollo keeps
 * parsed documents, so a repeated query is walked once.
 */
export function selectedFields(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): SelectedFields {
  let fields = cache.get(operation);
  if (fields) return fields;
  const byType = new Map<string, Set<string>>();
  const typeInfo = new TypeInfo(schema);
  const record = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (!parent) return;
      let set = byType.get(parent.name);
      if (!set) byType.set(parent.name, (set = new Set()));
      set.add(node.name.value);
    },
  });
  for (const definition of document.definitions) {
    if (definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, record);
  }
  // A field selected on an interface (Node.id) is selected on every type that implements it.
  for (const [name, set] of [...byType]) {
    const type = schema.getType(name);
    if (!isInterfaceType(type)) continue;
    for (const possible of schema.getPossibleTypes(type)) {
      const target = byType.get(possible.name) ?? new Set<string>();
      for (const field of set) target.add(field);
      byType.set(possible.name, target);
    }
  }
  fields = byType;
  cache.set(operation, fields);
  return fields;
}
