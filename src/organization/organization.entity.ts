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

  @Field({
    description:
      'True when the person named as DPO is a data protection officer designated under Art. 37; false when the policy ' +
      'names a privacy contact of another title (PythonMaster\'s "Privacy Officer").',
  })
  @Property({ type: 'boolean', default: true })
  dpoDesignated: boolean = true;

  /** The representative in the Union (Art. 27), when the controller is established outside it. */
  @Property({ type: 'text', nullable: true })
  representativeName?: string | null;

  @Property({ type: 'text', nullable: true })
  representativeContact?: string | null;

  @Field(() => Representative, {
    nullable: true,
    description: 'The representative in the Union (Art. 27) of a controller established outside it; null when none is recorded.',
  })
  get representative(): Representative | null {
    return this.representativeName ? { name: this.representativeName, contact: this.representativeContact ?? null } : null;
  }

  /** The representative in the United Kingdom (UK GDPR Art. 27). */
  @Property({ type: 'text', nullable: true })
  ukRepresentativeName?: string | null;

  @Property({ type: 'text', nullable: true })
  ukRepresentativeContact?: string | null;

  @Field(() => Representative, {
    nullable: true,
    description: 'The representative in the United Kingdom (UK GDPR Art. 27) of a controller established outside it; null when none is recorded.',
  })
  get ukRepresentative(): Representative | null {
    return this.ukRepresentativeName ? { name: this.ukRepresentativeName, contact: this.ukRepresentativeContact ?? null } : null;
  }

  /** The representative in Switzerland (FADP Art. 14). */
  @Property({ type: 'text', nullable: true })
  swissRepresentativeName?: string | null;

  @Property({ type: 'text', nullable: true })
  swissRepresentativeContact?: string | null;

  @Field(() => Representative, {
    nullable: true,
    description: 'The representative in Switzerland (FADP Art. 14) of a controller established outside it; null when none is recorded.',
  })
  get swissRepresentative(): Representative | null {
    return this.swissRepresentativeName ? { name: this.swissRepresentativeName, contact: this.swissRepresentativeContact ?? null } : null;
  }

  @Field(() => Int, {
    description:
      "The policy's promise: days within which a rights request is answered (30). The statutory deadline is one " +
      'calendar month, extendable by two (Art. 12(3)); see DataSubjectRight.deadline.',
  })
  @Property({ type: 'integer' })
  rightsResponseDays!: number;

  @Field(() => Int, { description: 'Hours within which a breach is notified (GDPR Art. 33: 72).' })
  @Property({ type: 'integer' })
  breachNotificationHours!: number;

  @Field({ description: 'The date the published privacy policy was last updated (YYYY-MM-DD).' })
  @Property({ type: 'text' })
  policyUpdatedOn!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The policy's promise of notice of material changes, in its own words: the public list of recipients quotes it, and " +
      'promises nothing more. Null when the policy makes none.',
  })
  @Property({ type: 'text', nullable: true })
  changeNotice?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The policy's statement that the organisation does not sell or share personal data, in its own words: a recipient " +
      'marked `saleOrShare` contradicts it (finding sale-or-share-undisclosed). Null when the policy makes none.',
  })
  @Property({ type: 'text', nullable: true })
  noSaleStatement?: string | null;
}

@ObjectType({ description: 'The representative of a controller established outside a regime\'s territory (GDPR Art. 27, UK GDPR Art. 27, FADP Art. 14).' })
export class Representative {
  @Field({ description: 'Name of the representative.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'How to reach the representative.' })
  contact!: string | null;
}
