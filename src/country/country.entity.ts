import { Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../common/node';

export enum AdequacyScope {
  FULL = 'FULL',
  PARTIAL = 'PARTIAL',
  NONE = 'NONE',
}

registerEnumType(AdequacyScope, {
  name: 'AdequacyScope',
  description: 'Whether the European Commission found the country adequate under GDPR Art. 45.',
  valuesConfig: {
    FULL: { description: 'Adequate for every transfer.' },
    PARTIAL: { description: 'Adequate only for some recipients; see adequacyNote (e.g. US: DPF-certified organisations).' },
    NONE: { description: 'No adequacy decision: transfers need an Art. 46 safeguard or an Art. 49 derogation.' },
  },
});

@Entity()
@ObjectType({ implements: Node, description: 'A country, by ISO 3166-1 alpha-2 code, with its standing under the GDPR.' })
export class Country {
  [PrimaryKeyProp]?: 'code';

  @Field(() => ID, { description: 'ISO 3166-1 alpha-2 code, such as "DE".' })
  @PrimaryKey({ type: 'text' })
  code!: string;

  @Field({ description: 'English short name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field({
    description:
      'True for the 30 states of the European Economic Area and for their territories where the GDPR applies ' +
      '(RE, GP, MQ, GF, YT, MF: TFEU Art. 349 and 355(1); AX: Art. 355(4)); see `memberState`.',
  })
  @Property({ type: 'boolean', default: false })
  inEEA: boolean = false;

  @Field(() => AdequacyScope, { description: 'Adequacy decision of the European Commission, if any.' })
  @Enum({ items: () => AdequacyScope, nativeEnumName: 'adequacy_scope', default: AdequacyScope.NONE })
  adequacy: AdequacyScope = AdequacyScope.NONE;

  @Field(() => String, { nullable: true, description: 'Scope of a partial decision, or other remarks.' })
  @Property({ type: 'text', nullable: true })
  adequacyNote?: string | null;

  @Field(() => String, { nullable: true, description: 'The decision that grants adequacy, such as "(EU) 2023/1795".' })
  @Property({ type: 'text', nullable: true })
  adequacyDecision?: string | null;

  /**
   * For a territory with a code of its own (RE, AX): the member state it belongs to, whose EEA membership,
   * adequacy and Art. 8 age apply there. Null for a state itself. The GraphQL field `memberState` resolves it.
   */
  @Property({ type: 'text', nullable: true })
  memberStateCode?: string | null;
}
