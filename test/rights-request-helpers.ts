import type { TestApp } from './harness';

/** The request the rights-request tests start from (an access request from Germany), with `overrides`. */
export const rightsRequestInput = (overrides: Record<string, unknown> = {}) => ({
  right: 'access',
  receivedAt: '2027-01-31T10:00:00Z',
  jurisdiction: 'DE',
  subjectReference: 'user-8812',
  collectionPoints: ['registration'],
  consents: [],
  ...overrides,
});

/**
 * Creates `rightsRequestInput(overrides)` through the API as `headers` and returns what `mutation` (a
 * createRightsRequest with the fields the test reads) selects of it; the test fails on any error.
 */
export async function createRightsRequest(app: TestApp, mutation: string, overrides: Record<string, unknown>, headers: Record<string, string>) {
  const response = await app.gql(mutation, { input: rightsRequestInput(overrides) }, headers);
  expect(response.errors).toBeUndefined();
  return response.data!.createRightsRequest;
}
