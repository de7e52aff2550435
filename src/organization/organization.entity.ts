import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { RegistryEntity } from '../common/registry.entity';
import { Country } from '../country/country.entity';
import { Node } from '../common/node';

/** The controller: the header of the record of processing (GDPR Art. 30(1)(a)). */
@Entity()
@ObjectType({ implements: Node, description: 'The controller, its contact details and its data protection officer.' })
export class Organization extends RegistryEntity {
  @Field({ description: 'Registered legal name.' })
  @Property({ type: 'text' })
  legalName!: string;

  @Field(() => String, { nullable: true, description: 'Contact email for privacy matters. PRIVACY_OFFICER and AUDITOR only; null with a FORBIDDEN error for others.' })
  @Property({ type: 'text' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Contact phone number. PRIVACY_OFFICER and AUDITOR only.' })
  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address. PRIVACY_OFFICER and AUDITOR only; null with a FORBIDDEN error for others.' })
  @Property({ type: 'text' })
  address!: string;

  @ManyToOne(() => Country, { deleteRule: 'restrict', index: true })
  country!: Country;

  @Field(() => String, { nullable: true, description: 'Name or role of the data protection officer. PRIVACY_OFFICER and AUDITOR only; null with a FORBIDDEN error for others.' })
  @Property({ type: 'text' })
  dpoName!: string;

  @Field(() => String, { nullable: true, description: 'How to reach the data protection officer. PRIVACY_OFFICER and AUDITOR only; null with a FORBIDDEN error for others.' })
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
