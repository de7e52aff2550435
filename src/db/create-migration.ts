/**
 * Writes a migration for the difference between the entities and the committed migrations.
 * Runs on an in-memory PGlite, so it needs no database server: `npm run migration:create`.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from './database';

async function main() {
  const db = await openDatabase({});
  try {
    const result = await db.orm.getMigrator().createMigration(join(process.cwd(), 'src/db/migrations'));
    if (!result.fileName) {
      console.log('No schema changes: no migration written.');
      return;
    }
    const indexPath = join(process.cwd(), 'src/db/migrations/index.ts');
    const className = result.fileName.replace(/\.ts$/, '');
    const index = readFileSync(indexPath, 'utf8')
      .replace(/((?:^import .*\n)+)/m, `$1import { ${className} } from './${className}';\n`)
      .replace(/\[([^\]]*)\];/s, (_m, list: string) => {
        const items = list.trim() ? `${list.trim().replace(/,$/, '')},\n  ` : '';
        return `[\n  ${items}{ name: '${className}', class: ${className} },\n];`;
      });
    writeFileSync(indexPath, index);
    console.log(`Wrote src/db/migrations/${result.fileName}`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
