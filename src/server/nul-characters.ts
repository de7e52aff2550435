import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { badInput } from '../common/errors';

/** The path of the first string in a variables value that holds a NUL character, such as `input.locations[0].reference`. */
function nulPathIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPathIn(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPathIn(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
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
          const variable = nulPathIn(request.variables ?? {}, '');
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
