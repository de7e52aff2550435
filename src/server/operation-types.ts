import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Refuses an operation whose type the schema does not serve (`subscription { x }`: the schema has no Subscription
 * type) while validating, with the words graphql-js would use when it came to execute it. graphql-js 16 validates
 * such an operation as valid and fails only in execution, which Apollo answers as an internal error.
 */
export const servedOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`Schema is not configured to execute ${node.operation} operation.`, { nodes: node }));
    }
  },
});
