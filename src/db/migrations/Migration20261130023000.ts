import { Migration } from '@mikro-orm/migrations';
import { indexColumns, type IndexedColumn } from '../index-columns';

/**
 * An index on every foreign-key column and on the second column of every link table (issue 12). PostgreSQL
 * indexes the referenced key but not the referencing column: without these, "the activities of a processor"
 * and every delete check of a referenced row scan the whole table. A link table's primary key
 * (owner, target) already serves lookups by owner; the index on its second column serves the other direction.
 * Names follow MikroORM's `<table>_<column>_index`, which the entities declare with `index: true`.
 */
const INDEXED: IndexedColumn[] = [
  ['cookie_category', 'consent_key'],
  ['data_category', 'parent_key'],
  ['organization', 'country_code'],
  ['processor', 'headquarters_code'],
  ['processing_location', 'country_code'],
  ['purpose', 'parent_key'],
  ['processing_activity', 'purpose_key'],
  ['processing_activity', 'required_consent_key'],
  ['processing_activity', 'retention_key'],
  ['collection_point_categories', 'data_category_key'],
  ['processor_data_categories', 'data_category_key'],
  ['processing_activity_subject_types', 'data_subject_type_key'],
  ['processing_activity_processors', 'processor_key'],
  ['processing_activity_data_categories', 'data_category_key'],
  ['processing_activity_collection_points', 'collection_point_key'],
  ['processing_activity_security_measures', 'security_measure_key'],
];

export class Migration20261130023000 extends Migration {
  override async up(): Promise<void> {
    indexColumns(this, INDEXED, 'up');
  }

  override async down(): Promise<void> {
    indexColumns(this, INDEXED, 'down');
  }
}
