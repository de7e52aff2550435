import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129195147 } from './Migration20261129195147';
import { Migration20261129200614 } from './Migration20261129200614';
import { Migration20261129201412 } from './Migration20261129201412';
import { Migration20261129201541 } from './Migration20261129201541';
import { Migration20261130023000 } from './Migration20261130023000';
import { Migration20261130023352 } from './Migration20261130023352';
import { Migration20261130023457 } from './Migration20261130023457';
import { Migration20261130023548 } from './Migration20261130023548';
import { Migration20261130074500 } from './Migration20261130074500';
import { Migration20261202011056 } from './Migration20261202011056';
import { Migration20261202011129 } from './Migration20261202011129';
import { Migration20261202011710 } from './Migration20261202011710';
import { Migration20261202030000 } from './Migration20261202030000';
import { Migration20261210120000 } from './Migration20261210120000';

/** The committed migrations, in order. `npm run migration:create` appends to this list. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261129195147', class: Migration20261129195147 },
  { name: 'Migration20261129200614', class: Migration20261129200614 },
  { name: 'Migration20261129201412', class: Migration20261129201412 },
  { name: 'Migration20261129201541', class: Migration20261129201541 },
  { name: 'Migration20261130023000', class: Migration20261130023000 },
  { name: 'Migration20261130023352', class: Migration20261130023352 },
  { name: 'Migration20261130023457', class: Migration20261130023457 },
  { name: 'Migration20261130023548', class: Migration20261130023548 },
  { name: 'Migration20261130074500', class: Migration20261130074500 },
  { name: 'Migration20261202011056', class: Migration20261202011056 },
  { name: 'Migration20261202011129', class: Migration20261202011129 },
  { name: 'Migration20261202011710', class: Migration20261202011710 },
  { name: 'Migration20261202030000', class: Migration20261202030000 },
  { name: 'Migration20261210120000', class: Migration20261210120000 },
];
