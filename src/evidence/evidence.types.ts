import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Finding } from '../findings/findings.resolver';
import { EvidenceStatus } from './evidence.rules';
import type { VendorOrigin as VendorOriginName } from './vendor-catalogue';

const VendorOrigin = { REFERENCE: 'REFERENCE', REGISTERED: 'REGISTERED', REPOSITORY: 'REPOSITORY', SCANNER: 'SCANNER' } as const satisfies Record<
  VendorOriginName,
  VendorOriginName
>;

registerEnumType(VendorOrigin, {
  name: 'VendorOrigin',
  description: 'Where a vendor of the catalogue comes from.',
  valuesConfig: {
    REFERENCE: { description: 'The bundled catalogue (seeds/reference/vendors.json).' },
    REGISTERED: { description: 'Registered through the API (registerVendor); replaces the bundled entry of its key.' },
    REPOSITORY: { description: "A repository's own datamap.vendors.yaml, sent with its evidence." },
    SCANNER: { description: 'No catalogue entry: a third party as a scanner named it.' },
  },
});

@ObjectType({ description: 'A package of a vendor SDK.' })
export class VendorPackage {
  @Field()
  ecosystem!: string;

  @Field({ description: 'The name, or a prefix ending in *.' })
  name!: string;
}

@ObjectType({ description: 'A vendor of the catalogue: how code reaches it, and the processor it maps to.' })
export class Vendor {
  @Field(() => ID)
  key!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  service!: string | null;

  @Field({ description: 'The processor key it maps to.' })
  processorKey!: string;

  @Field(() => [VendorPackage])
  packages!: VendorPackage[];

  @Field(() => [String], { description: 'The domains of its APIs.' })
  hosts!: string[];

  @Field(() => [String], { description: 'Other names scanners give it.' })
  aliases!: string[];

  @Field(() => String, { nullable: true, description: "The vendor's SDK documentation or registry page the names come from." })
  source!: string | null;

  @Field(() => VendorOrigin)
  origin!: VendorOriginName;
}

@ObjectType({ description: 'One thing the code was seen to use, with where it was seen. Never source code.' })
export class EvidenceItem {
  @Field()
  repository!: string;

  @Field(() => String, { nullable: true })
  commit!: string | null;

  @Field({ description: 'How it was matched to its vendor: package, host or name.' })
  matchedBy!: string;

  @Field(() => String, { nullable: true })
  ecosystem!: string | null;

  @Field(() => String, { nullable: true })
  package!: string | null;

  @Field(() => String, { nullable: true })
  host!: string | null;

  @Field(() => [String], { description: 'The data types sent, as the scanner named them.' })
  dataTypes!: string[];

  @Field(() => String, { nullable: true })
  file!: string | null;

  @Field(() => Int, { nullable: true })
  line!: number | null;

  @Field(() => String, { nullable: true })
  tool!: string | null;

  @Field(() => String, { nullable: true })
  toolVersion!: string | null;
}

@ObjectType({ description: 'A data type the code sends a vendor, against the categories its processor is declared for.' })
export class EvidenceDataType {
  @Field({ description: "The scanner's name for it, such as Bearer's \"Email Address\"." })
  dataType!: string;

  @Field(() => String, { nullable: true })
  tool!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The category of the map's taxonomy it stands for (seeds/reference/data-types.json); null when it maps to none.",
  })
  categoryKey!: string | null;

  @Field({ description: 'Whether the map has that category (an Art. 9 category it lacks keeps its key).' })
  inMap!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Whether the processor is declared for that category; null when the type maps to none.' })
  declared!: boolean | null;
}

@ObjectType({ description: 'A vendor the code calls, and how it stands in the registry.' })
export class EvidenceVendor {
  @Field({ description: 'The catalogue key of the vendor, such as "stripe" or "twilio".' })
  vendor!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  service!: string | null;

  @Field({ description: 'The processor key the vendor maps to.' })
  processorKey!: string;

  @Field(() => EvidenceStatus)
  status!: EvidenceStatus;

  @Field(() => [String], { description: 'The repositories whose evidence shows it.' })
  repositories!: string[];

  @Field(() => [EvidenceItem])
  items!: EvidenceItem[];

  @Field(() => [EvidenceDataType], { description: 'Per data type sent (from Bearer or Privado), whether the processor is declared for it.' })
  dataTypes!: EvidenceDataType[];
}

@ObjectType({ description: "A repository's latest evidence, judged against the map as it is now." })
export class EvidenceReport {
  @Field()
  repository!: string;

  @Field(() => String, { nullable: true })
  commit!: string | null;

  @Field(() => DateTimeResolver)
  receivedAt!: Date;

  @Field({ description: 'Who sent it (the token subject).' })
  submittedBy!: string;

  @Field(() => Int, { description: 'How many items the evidence carried.' })
  itemsReceived!: number;

  @Field(() => Int, { description: 'How many of them identified no vendor (an unknown package is simply not a vendor); they are not kept.' })
  itemsIgnored!: number;

  @Field(() => [EvidenceVendor], { description: 'The vendors the code calls, in key order.' })
  vendors!: EvidenceVendor[];

  @Field(() => [Finding], { description: 'undeclared-recipient and undeclared-category findings of this evidence, errors first.' })
  findings!: Finding[];
}
