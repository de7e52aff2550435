import { registerEnumType } from 'type-graphql';

/** The legal grounds for a transfer of personal data out of a regime's territory (GDPR Chapter V, UK GDPR Chapter V, FADP Art. 16-17). */
export enum TransferMechanism {
  ADEQUACY_DECISION = 'ADEQUACY_DECISION',
  STANDARD_CONTRACTUAL_CLAUSES = 'STANDARD_CONTRACTUAL_CLAUSES',
  BINDING_CORPORATE_RULES = 'BINDING_CORPORATE_RULES',
  CODE_OF_CONDUCT = 'CODE_OF_CONDUCT',
  CERTIFICATION = 'CERTIFICATION',
  DEROGATION_EXPLICIT_CONSENT = 'DEROGATION_EXPLICIT_CONSENT',
  DEROGATION_CONTRACT = 'DEROGATION_CONTRACT',
  UK_IDTA = 'UK_IDTA',
  UK_ADDENDUM = 'UK_ADDENDUM',
}

registerEnumType(TransferMechanism, {
  name: 'TransferMechanism',
  description: "What makes a transfer out of a regime's territory lawful (see Regime).",
  valuesConfig: {
    ADEQUACY_DECISION: {
      description:
        "An adequacy finding of the regime: GDPR Art. 45 (the Commission's decisions), UK GDPR Art. 45/45A (adequacy regulations), FADP Art. 16(1) (DPO Annex 1).",
    },
    STANDARD_CONTRACTUAL_CLAUSES: {
      description:
        'GDPR Art. 46(2)(c): Decision (EU) 2021/914, modules 1-4; under the FADP (Art. 16(2)(d)) only with the Swiss adaptations. Not a UK tool on its own.',
    },
    BINDING_CORPORATE_RULES: { description: 'GDPR Art. 46(2)(b) and Art. 47 (and their UK and Swiss counterparts).' },
    CODE_OF_CONDUCT: { description: 'GDPR Art. 46(2)(e); DPO Art. 12.' },
    CERTIFICATION: { description: 'GDPR Art. 46(2)(f); DPO Art. 12.' },
    DEROGATION_EXPLICIT_CONSENT: { description: "GDPR Art. 49(1)(a), FADP Art. 17(1)(a): the person's explicit consent, for occasional transfers." },
    DEROGATION_CONTRACT: { description: 'GDPR Art. 49(1)(b) and (c), FADP Art. 17(1)(b): necessary for a contract, for occasional transfers.' },
    UK_IDTA: { description: "UK GDPR Art. 46(2)(d): the ICO's International Data Transfer Agreement (DPA 2018 s.119A, in force 21 March 2022)." },
    UK_ADDENDUM: {
      description: "UK GDPR Art. 46(2)(d): the ICO's Addendum to the EU SCCs (DPA 2018 s.119A); the reference names the SCC module it amends.",
    },
  },
});
