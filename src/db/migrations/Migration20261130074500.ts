import { Migration } from '@mikro-orm/migrations';
import { indexColumns, type IndexedColumn } from '../index-columns';

/**
 * The foreign-key indexes of the registers (rights requests, breaches), which came after Migration20261130023000:
 * the right a request exercises, and the second column of the breach link tables ("the breaches at aws").
 * `test/indexes.test.ts` finds any foreign-key column that leads no index.
 */
const INDEXED: IndexedColumn[] = [
  ['rights_request', 'right_key'],
  ['breach_processors', 'processor_key'],
  ['breach_activities', 'processing_activity_key'],
];

export class Migration20261130074500 extends Migration {
  override async up(): Promise<void> {
    indexColumns(this, INDEXED, 'up');
  }

  override async down(): Promise<void> {
    indexColumns(this, INDEXED, 'down');
  }
}
