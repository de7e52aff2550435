import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A value the service keeps about itself in the database, such as the JWT secret it generated on a PostgreSQL
 * server. Never exposed through the API.
 */
@Entity()
export class Setting {
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  value!: string;
}
