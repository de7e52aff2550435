import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
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
   * armor's cost: 1 per leaf and 2 per object, nested ones weighing 1.5 times more per level, the whole multiplied
   * by a literal `first`. One thousand-item list with its relations fits; two of them in one request do not.
   */
  maxCost: 300_000,
  maxAliases: 15,
  /** Lexical tokens (names, punctuation, values), counted by the parser: the explorer's introspection query has about 300. */
  maxTokens: 2_000,
  maxDirectives: 10,
} as const;

type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;
type ArmorLimit = Exclude<keyof typeof QUERY_LIMITS, 'maxTokens'>;

/** armor prefixes every message with "Syntax Error:", which these are not; the code says what kind they are. */
const reportAsBadInput =
  (limit: ArmorLimit) =>
  (context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(badInput(error.message.replace(/^Syntax Error: /, ''), { limit, max: QUERY_LIMITS[limit] }));
  };

/** The armor options for the limits above; every rejection answers BAD_USER_INPUT, naming the limit. */
export function armorConfig(limits = QUERY_LIMITS): ArmorConfig {
  const reject = (limit: ArmorLimit) => ({ propagateOnRejection: false, onReject: [reportAsBadInput(limit)] });
  return {
    maxDepth: { n: limits.maxDepth, ...reject('maxDepth') },
    costLimit: { maxCost: limits.maxCost, ...reject('maxCost') },
    maxAliases: { n: limits.maxAliases, ...reject('maxAliases') },
    // armor checks tokens in a plugin hook, and Apollo 5 answers whatever such a hook throws with a 500. The
    // parser's own limit (below) stops at the same count and answers 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, ...reject('maxDirectives') },
    blockFieldSuggestion: { enabled: true },
  };
}

/** The Apollo options that enforce the limits and hide field suggestions. */
export function queryLimitProtection(limits = QUERY_LIMITS) {
  const { plugins, validationRules } = new ApolloArmor(armorConfig(limits)).protect();
  return { plugins, validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
