import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where an authority entry is written.' })
export class AuthoritySource {
  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  url!: string | null;
}

/** An entry of the authority table; `country` is resolved to a Country by the resolver. */
@ObjectType({
  description:
    'A data-protection supervisory authority a breach may be owed to: one per EEA state, the ICO (GB) and the FDPIC (CH), ' +
    'from the reference table (seeds/reference/supervisory-authorities.json).',
})
export class SupervisoryAuthority {
  @Field(() => ID, { description: 'The table\'s stable code: the country, then the acronym, such as "DE-BFDI", "FR-CNIL", "GB-ICO".' })
  code!: string;

  @Field({ description: 'The English name.' })
  name!: string;

  @Field({ description: 'The name in the language(s) of its state.' })
  officialName!: string;

  @Field()
  website!: string;

  @Field({ description: 'The rule that owes it a notice, and when: GDPR Art. 33, UK GDPR Art. 33, FADP Art. 24.' })
  law!: string;

  @Field(() => String, { nullable: true, description: 'What the table says beyond the name, such as Germany\'s Land authorities.' })
  notes!: string | null;

  @Field(() => [AuthoritySource])
  sources!: AuthoritySource[];

  @Field({ description: 'False where the authority was not confirmed in a source read.' })
  verified!: boolean;

  @Field(() => String, { nullable: true })
  uncertainty!: string | null;

  /** ISO 3166-1 alpha-2; the GraphQL field `country` resolves it. */
  countryCode!: string;
}
