import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { projectPath } from '../common/project-path';
import { buildDatamapSchema, printDatamapSchema } from './schema';

/** `npm run schema`: writes the schema the code defines to `schema/schema.graphql`. */
buildDatamapSchema()
  .then((schema) => {
    writeFileSync(projectPath('schema', 'schema.graphql'), printDatamapSchema(schema));
    console.log('Wrote schema/schema.graphql');
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
