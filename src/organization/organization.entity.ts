import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Country } from '../country/country.entity';

/** The controller: the header of the record of processing (GDPR Art. 30(1)(a)). */
@Entity()
@ObjectType({ description: 'The controller, its contact details and its data protection officer.' })
export class Organization extends RegistryEntity {
  @Field({ description: 'Registered legal name.' })
  @Property({ type: 'text' })
  legalName!: string;

  @Field({ description: 'Contact email for privacy matters.' })
  @Property({ type: 'text' })
  email!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  @Field({ description: 'Postal address.' })
  @Property({ type: 'text' })
  address!: string;

  @ManyToOne(() => Country, { deleteRule: 'restrict' })
  country!: Country;

  @Field({ description: 'Name or role of the data protection officer.' })
  @Property({ type: 'text' })
  dpoName!: string;

  @Field({ description: 'How to reach the data protection officer.' })
  @Property({ type: 'text' })
  dpoEmail!: string;

  @Field(() => Int, { description: 'Days within which the controller answers a rights request (the policy says 30).' })
  @Property({ type: 'integer' })
  rightsResponseDays!: number;

  @Field(() => Int, { description: 'Hours within which a breach is notified (GDPR Art. 33: 72).' })
  @Property({ type: 'integer' })
  breachNotificationHours!: number;

  @Field({ description: 'The date the published privacy policy was last updated (YYYY-MM-DD).' })
  @Property({ type: 'text' })
  policyUpdatedOn!: string;
}
