import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, visit, type DocumentNode } from 'graphql';
import { badInput, unauthenticated } from '../common/errors';
import type { RequestContext } from '../common/context';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

function asksForSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (!INTROSPECTION_FIELDS.has(node.name.value)) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * Shield guards the fields of the schema, not the schema itself: without this, anyone could read the whole
 * API's shape. Anonymous callers get nothing but the health probes.
 */
export function introspectionNeedsAToken(options: { enabled: boolean }): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document }) {
          if (!asksForSchema(document)) return;
          if (!options.enabled) {
            // Apollo's own refusal tells the reader to change code; this one names the setting to change.
            throw badInput('Introspection is off: INTROSPECTION=false (the default in production). Set INTROSPECTION=true to serve the schema to authenticated callers.', {
              http: { status: 400 },
            });
          }
          if (contextValue.viewer === null) {
            throw unauthenticated('Authentication required: introspection needs a token; send "Authorization: Bearer <token>"', {
              http: { status: 401 },
            });
          }
        },
      };
    },
  };
}
