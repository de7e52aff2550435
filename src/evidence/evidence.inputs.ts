import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'A package of a vendor SDK, in one ecosystem.' })
export class VendorPackageInput {
  @Field({ description: 'npm, pypi, go, maven, rubygems or nuget.' })
  ecosystem!: string;

  @Field({ description: 'The package name (Maven: groupId:artifactId), or a prefix ending in * such as `@aws-sdk/*`.' })
  name!: string;
}

@InputType({ description: 'A vendor of the catalogue that evidence is matched against: how code reaches it, and its processor.' })
export class VendorInput {
  @Field(() => ID, { description: 'Its key; the bundled entry of the same key is replaced.' })
  key!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it provides, such as "SMS".' })
  service?: string | null;

  @Field(() => ID, { nullable: true, description: 'The processor key it maps to; its own key when absent.' })
  processor?: string | null;

  @Field(() => [VendorPackageInput], { nullable: true, description: 'Its SDK packages.' })
  packages?: VendorPackageInput[] | null;

  @Field(() => [String], { nullable: true, description: 'The domains of its APIs; each covers its subdomains.' })
  hosts?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Other names scanners give it (Bearer, Privado).' })
  aliases?: string[] | null;

  @Field(() => String, { nullable: true, description: "Where the names come from: the vendor's SDK documentation or registry page." })
  source?: string | null;
}

@InputType({ description: 'One thing the code was seen to use. A package or a host identifies the vendor; a scanner may name it instead.' })
export class EvidenceItemInput {
  @Field(() => String, { nullable: true, description: 'The package ecosystem: npm, pypi, go, maven, rubygems or nuget.' })
  ecosystem?: string | null;

  @Field(() => String, { nullable: true, description: 'The package (Maven: groupId:artifactId).' })
  package?: string | null;

  @Field(() => String, { nullable: true, description: 'An API host the code calls.' })
  host?: string | null;

  @Field(() => String, { nullable: true, description: "The third party as a scanner names it (Bearer's third_party, Privado's sink)." })
  vendor?: string | null;

  @Field(() => [String], { nullable: true, description: "The data types the code sends it, in the scanner's names (Bearer, Privado) or as category keys." })
  dataTypes?: string[] | null;

  @Field(() => String, { nullable: true, description: 'The file it was seen in, relative to the repository.' })
  file?: string | null;

  @Field(() => Int, { nullable: true, description: 'The line in that file.' })
  line?: number | null;

  @Field(() => String, { nullable: true, description: 'What found it: npm, pip, go, maven, bundler, bearer, privado…' })
  tool?: string | null;

  @Field(() => String, { nullable: true, description: "That tool's version." })
  toolVersion?: string | null;
}

@InputType({ description: "A repository's evidence: it replaces the repository's previous evidence." })
export class EvidenceInput {
  @Field({ description: 'The repository, such as `pythonmaster/web`.' })
  repository!: string;

  @Field(() => String, { nullable: true, description: 'The commit the evidence was taken at.' })
  commit?: string | null;

  @Field(() => [EvidenceItemInput], { description: 'What the code uses; at most 10,000 items.' })
  items!: EvidenceItemInput[];

  @Field(() => [VendorInput], {
    nullable: true,
    description: "The repository's own catalogue entries (its datamap.vendors.yaml), kept with its evidence.",
  })
  vendors?: VendorInput[] | null;
}
