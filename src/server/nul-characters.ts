import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { badInput } from '../common/errors';

/**
 * How deep the NUL check reads variables. No input type of the schema nests more than 4 levels, so anything deeper
 * cannot be valid: graphql-js refuses it when it coerces the variables, in its own words.
 */
export const MAX_VARIABLE_DEPTH = 32;

/**
 * The path of the first string in a variables value that holds a NUL character, such as
 * `input.locations[0].reference`. Walked with a stack of its own, down to MAX_VARIABLE_DEPTH: a value nested
 * thousands of levels deep would overflow the call stack of a recursive walk.
 */
function nulPathIn(variables: unknown): string | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: variables, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
      continue;
    }
    if (!value || typeof value !== 'object' || depth >= MAX_VARIABLE_DEPTH) continue;
    const children = Array.isArray(value)
      ? value.map((item, i) => ({ value: item, path: `${path}[${i}]` }))
      : Object.entries(value).map(([key, item]) => ({ value: item, path: path ? `${path}.${key}` : key }));
    // Reversed onto the stack, so that the first NUL in reading order is the one reported.
    for (let i = children.length - 1; i >= 0; i--) pending.push({ ...children[i], depth: depth + 1 });
  }
  return null;
}

function hasNulLiteral(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}

/**
 * Refuses a NUL character (U+0000) in any string a request passes, as a variable or written in the query, before
 * anything runs: PostgreSQL text cannot hold one, so it would otherwise fail deep in a statement.
 */
export function rejectNulCharacters(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const variable = nulPathIn(request.variables ?? {});
          if (variable !== null || hasNulLiteral(document)) {
            const where = variable !== null ? `the variable ${variable}` : 'a string in the query';
            throw badInput(`${where} contains a NUL character (\\u0000), which no text field accepts`, {
              field: variable ?? undefined,
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}
