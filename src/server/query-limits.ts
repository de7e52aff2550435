import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { badInput } from '../common/errors';

/**
 * How large a request may be. The dashboards' largest query, a thousand processors with their headquarters,
 * locations, categories and activities (six levels deep), costs about 202,000 and has under 150 tokens;
 * the limits leave room for it and stop what is many times larger.
 */
export const QUERY_LIMITS = {
  /** Nesting levels, leaves included: `processors { nodes { activities { purpose { parent { key } } } } }` is 6. */
  maxDepth: 10,
  /**
   * armor's cost: 1 per leaf and 2 per object, nested ones weighing 1.5 times more per level, the whole of a field
   * multiplied by its `first` or `last` and by the length of a list argument (`nodes(ids:)`), written in the query
   * or passed as a variable, alias by alias. One thousand-item list with its relations fits; two of them do not.
   */
  maxCost: 300_000,
  maxAliases: 15,
  /** Lexical tokens (names, punctuation, values), counted by the parser: the explorer's introspection query has about 300. */
  maxTokens: 2_000,
  maxDirectives: 10,
  /** Items in one list argument, such as `nodes(ids:)`: as many as a page holds by default. */
  maxListItems: 100,
} as const;

type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;
type Limit = Exclude<keyof typeof QUERY_LIMITS, 'maxTokens'>;

/** armor prefixes every message with "Syntax Error:", which these are not; the code says what kind they are. */
const reportAsBadInput =
  (limit: Limit) =>
  (context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(badInput(error.message.replace(/^Syntax Error: /, ''), { limit, max: QUERY_LIMITS[limit] }));
  };

/** The armor options for the limits above; every rejection answers BAD_USER_INPUT, naming the limit. */
export function armorConfig(limits = QUERY_LIMITS): ArmorConfig {
  const reject = (limit: Limit) => ({ propagateOnRejection: false, onReject: [reportAsBadInput(limit)] });
  return {
    maxDepth: { n: limits.maxDepth, ...reject('maxDepth') },
    // armor's cost counts a literal `first` only: `operationCost` below counts variables and list arguments too.
    costLimit: { enabled: false },
    maxAliases: { n: limits.maxAliases, ...reject('maxAliases') },
    // armor checks tokens in a plugin hook, and Apollo 5 answers whatever such a hook throws with a 500. The
    // parser's own limit (below) stops at the same count and answers 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, ...reject('maxDirectives') },
    blockFieldSuggestion: { enabled: true },
  };
}

/** armor's weights, kept so that the figures its cost gave stay the same. */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;

type Variables = Record<string, unknown>;

/** A list argument longer than allowed: `nodes(ids:)` with its length. */
export interface LongList {
  field: string;
  argument: string;
  items: number;
}

/** An argument's value as the request gives it: a literal, or the variable (else its default). */
function argumentValue(value: ValueNode, variables: Variables, defaults: ReadonlyMap<string, ValueNode>): unknown {
  if (value.kind === Kind.VARIABLE) {
    const name = value.name.value;
    if (name in variables) return variables[name];
    const fallback = defaults.get(name);
    return fallback ? valueFromASTUntyped(fallback) : undefined;
  }
  // A list literal counts its items without reading them.
  if (value.kind === Kind.LIST) return { length: value.values.length, list: true };
  if (value.kind === Kind.INT) return Number(value.value);
  return undefined;
}

/** How many items a value holds when it is a list (literal or variable). */
const listLength = (value: unknown): number | undefined =>
  Array.isArray(value) ? value.length : value && typeof value === 'object' && (value as { list?: boolean }).list ? (value as { length: number }).length : undefined;

/**
 * What an operation costs by armor's formula, with each field's cost multiplied by the largest of its `first`,
 * its `last` and the lengths of its list arguments, read from the query or the variables; and the first list
 * argument longer than `maxListItems`. Fragments are costed once each (their cost does not depend on where they
 * are spread), so nesting them cannot make the walk itself expensive.
 */
export function operationCost(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  maxListItems: number = QUERY_LIMITS.maxListItems,
): { cost: number; longList?: LongList } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const fragmentCosts = new Map<string, number>();
  let longList: LongList | undefined;

  const multiplierOf = (field: FieldNode): number => {
    let multiplier = 1;
    for (const argument of field.arguments ?? []) {
      const value = argumentValue(argument.value, variables, defaults);
      const name = argument.name.value;
      const items = listLength(value);
      if (items !== undefined) {
        if (items > maxListItems && !longList) longList = { field: field.name.value, argument: name, items };
        multiplier = Math.max(multiplier, items);
      } else if ((name === 'first' || name === 'last') && typeof value === 'number' && Number.isFinite(value)) {
        multiplier = Math.max(multiplier, value);
      }
    }
    return multiplier;
  };
  const costOfSet = (selections: readonly SelectionNode[]) =>
    selections.reduce((sum, child) => sum + DEPTH_FACTOR * costOf(child), OBJECT_COST);
  const costOf = (node: SelectionNode): number => {
    if (node.kind === Kind.FIELD) {
      // Introspection is bounded by the schema, and the explorer needs it whole.
      if (node.name.value === '__schema') return 0;
      if (!node.selectionSet) return SCALAR_COST;
      return costOfSet(node.selectionSet.selections) * multiplierOf(node);
    }
    if (node.kind === Kind.INLINE_FRAGMENT) return costOfSet(node.selectionSet.selections);
    const name = node.name.value;
    let cost = fragmentCosts.get(name);
    if (cost === undefined) {
      // A cycle is refused by validation before this runs; the placeholder keeps the walk finite anyway.
      fragmentCosts.set(name, 0);
      const fragment = fragments.get(name);
      cost = fragment ? costOfSet(fragment.selectionSet.selections) : 0;
      fragmentCosts.set(name, cost);
    }
    return SCALAR_COST + DEPTH_FACTOR * cost;
  };
  const cost = operation.selectionSet.selections.reduce((sum, child) => sum + costOf(child), 0);
  return { cost, longList };
}

/**
 * Refuses, before anything executes, an operation over the cost limit or with a list argument longer than
 * `maxListItems`. It runs for every request, once its operation is known: the variables count, and Apollo
 * validates a query text only the first time it sees it.
 */
export function requestCostLimit(limits = QUERY_LIMITS): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const { cost, longList } = operationCost(document, operation, request.variables ?? {}, limits.maxListItems);
          if (longList) {
            throw badInput(
              `${longList.field}(${longList.argument}:) holds ${longList.items} items; a list argument holds at most ${limits.maxListItems} ` +
                `(ask for the rest in further requests)`,
              { field: longList.argument, limit: 'maxListItems', max: limits.maxListItems, http: { status: 400 } },
            );
          }
          if (cost > limits.maxCost) {
            throw badInput(`Query Cost limit of ${limits.maxCost} exceeded, found ${cost}.`, {
              limit: 'maxCost',
              max: limits.maxCost,
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}

/** The Apollo options that enforce the limits and hide field suggestions. */
export function queryLimitProtection(limits = QUERY_LIMITS) {
  const { plugins, validationRules } = new ApolloArmor(armorConfig(limits)).protect();
  return { plugins: [...plugins, requestCostLimit(limits)], validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
