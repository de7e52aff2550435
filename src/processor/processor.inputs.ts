import { Field, ID, InputType } from 'type-graphql';
import { Regime } from '../country/regime';
import { RecipientRole } from './recipient-role';
import { TransferMechanism } from './transfer-mechanism';

@InputType({ description: "A recipient's Data Privacy Framework certification." })
export class DpfCertificationInput {
  @Field(() => String, {
    nullable: true,
    description: "The recipient's entry on the DPF List: https://www.dataprivacyframework.gov/participant/<id>, or that id.",
  })
  certification?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (a real date): when the certification must next be checked.' })
  reviewDue?: string | null;
}

@InputType({ description: 'What a location rests on under one regime.' })
export class SafeguardInput {
  @Field(() => Regime)
  regime!: Regime;

  @Field(() => TransferMechanism, { nullable: true, description: 'Not needed where the regime finds the country fully adequate (recorded as ADEQUACY_DECISION).' })
  mechanism?: TransferMechanism | null;

  @Field(() => String, {
    nullable: true,
    description: 'The instrument, such as "UK Addendum to SCC 2021/914 module 2" or "SCC 2021/914 module 2 with the Swiss adaptations (FADP)".',
  })
  reference?: string | null;

  @Field(() => DpfCertificationInput, { nullable: true, description: 'For ADEQUACY_DECISION in the US: the DPF certification under this regime.' })
  dpf?: DpfCertificationInput | null;
}

@InputType({ description: 'A country where the processor processes data, and what makes the transfer lawful.' })
export class ProcessingLocationInput {
  @Field({ description: 'ISO 3166-1 alpha-2 code, such as "IN".' })
  country!: string;

  @Field(() => TransferMechanism, {
    nullable: true,
    description: 'Not needed inside the EEA, nor for a country with full adequacy (recorded as ADEQUACY_DECISION).',
  })
  mechanism?: TransferMechanism | null;

  @Field(() => String, { nullable: true, description: 'The instrument relied on, such as "SCC 2021/914 module 2".' })
  reference?: string | null;

  @Field(() => DpfCertificationInput, {
    nullable: true,
    description: 'Required for ADEQUACY_DECISION in the US: the recipient\'s DPF certification and its review date.',
  })
  dpf?: DpfCertificationInput | null;

  @Field(() => [SafeguardInput], {
    nullable: true,
    description:
      'What it rests on under the UK GDPR and the FADP (the fields above are its EU_GDPR safeguard; an EU_GDPR entry here may stand for them).',
  })
  safeguards?: SafeguardInput[] | null;
}

/**
 * What a recipient is to the organisation (its role, who engaged it, a joint arrangement, a CCPA sale or sharing),
 * declared once for registration and update, which take these fields alike. The class is not in the schema itself
 * (nothing takes it as an argument); its fields are in each input that extends it.
 */
@InputType()
export class RecipientRoleFields {
  @Field(() => RecipientRole, {
    nullable: true,
    description: 'What it is to the organisation; PROCESSOR when left out. A controller recipient is judged controller to controller (SCC module 1).',
  })
  role?: RecipientRole | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The processor that engaged this one as its sub-processor (Art. 28(2),(4)): it serves that processor\'s activities with its data, ' +
      'and is judged processor to processor (SCC module 3). Chains are at most 5 deep and never cycle.',
  })
  engagedBy?: string | null;

  @Field(() => String, { nullable: true, description: 'Required for a JOINT_CONTROLLER: the reference of the Art. 26 arrangement.' })
  jointArrangement?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'For a controller recipient: true when the disclosure is a CCPA "sale" or "sharing".' })
  saleOrShare?: boolean | null;
}

@InputType({ description: 'A new processor. It starts PROPOSED, until a privacy officer approves or rejects it.' })
export class RegisterProcessorInput extends RecipientRoleFields {
  @Field(() => ID, { description: 'Stable lowercase slug, such as "acme-cloud".' })
  key!: string;

  @Field({ description: 'Human-readable name.' })
  name!: string;

  @Field({ description: 'The service it provides, such as "payment processing".' })
  service!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 code of the country where it is established.' })
  headquarters!: string;

  @Field(() => [ProcessingLocationInput], { description: 'Where it processes data.' })
  locations!: ProcessingLocationInput[];

  @Field(() => [ID], { description: 'Keys of the data categories it receives.' })
  dataCategories!: string[];

  @Field(() => [ID], { description: 'Keys of the processing activities it serves.' })
  activities!: string[];

  @Field(() => String, {
    nullable: true,
    description: 'The data processing agreement (GDPR Art. 28(3)): its name, or a link (an absolute https: or http: URL).',
  })
  dpaReference?: string | null;

  @Field(() => String, { nullable: true, description: 'An absolute https: or http: URL, such as https://stripe.com.' })
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'Registered legal name of the contracting entity.' })
  legalName?: string | null;

  @Field(() => String, { nullable: true, description: 'What it does with the data, in plain words.' })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the processor is itself subject to the GDPR under Art. 3(2).' })
  subjectToGdpr?: boolean | null;
}

@InputType({ description: 'Changes to a processor: every field is optional, and a field left out stays as it is.' })
export class UpdateProcessorInput extends RecipientRoleFields {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  service?: string;

  @Field(() => String, { nullable: true })
  headquarters?: string;

  @Field(() => [ProcessingLocationInput], { nullable: true, description: 'Replaces every location.' })
  locations?: ProcessingLocationInput[];

  @Field(() => [ID], { nullable: true, description: 'Replaces the data categories.' })
  dataCategories?: string[];

  @Field(() => [ID], { nullable: true, description: 'Replaces the activities.' })
  activities?: string[];

  @Field(() => String, { nullable: true, description: 'Its name, or a link (an absolute https: or http: URL).' })
  dpaReference?: string | null;

  @Field(() => String, { nullable: true, description: 'An absolute https: or http: URL.' })
  website?: string | null;

  @Field(() => String, { nullable: true })
  legalName?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true })
  subjectToGdpr?: boolean | null;
}
