import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDatamapSchema, printDatamapSchema } from '../src/server/schema';

it('has a committed schema/schema.graphql that matches the code (run `npm run schema` after a change)', async () => {
  const committed = readFileSync(join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
  expect(printDatamapSchema(await buildDatamapSchema())).toBe(committed);
});
