import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres';

declare global {
  var embeddedPostgres: EmbeddedPostgres | undefined;
}

/**
 * Runs outside Jest's VM, where PGlite's WASM loads. Tests reach the database through
 * TEST_DATABASE_URL: the embedded server started here, or DATABASE_URL when it is set.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  globalThis.embeddedPostgres = await startEmbeddedPostgres();
  process.env.TEST_DATABASE_URL = globalThis.embeddedPostgres.url;
}
