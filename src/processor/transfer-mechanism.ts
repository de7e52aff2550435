import { registerEnumType } from 'type-graphql';

/** The legal grounds for a transfer of personal data outside the EEA (GDPR Chapter V). */
export enum TransferMechanism {
  ADEQUACY_DECISION = 'ADEQUACY_DECISION',
  STANDARD_CONTRACTUAL_CLAUSES = 'STANDARD_CONTRACTUAL_CLAUSES',
  BINDING_CORPORATE_RULES = 'BINDING_CORPORATE_RULES',
  CODE_OF_CONDUCT = 'CODE_OF_CONDUCT',
  CERTIFICATION = 'CERTIFICATION',
  DEROGATION_EXPLICIT_CONSENT = 'DEROGATION_EXPLICIT_CONSENT',
  DEROGATION_CONTRACT = 'DEROGATION_CONTRACT',
}

registerEnumType(TransferMechanism, {
  name: 'TransferMechanism',
  description: 'What makes a transfer outside the EEA lawful.',
  valuesConfig: {
    ADEQUACY_DECISION: { description: 'GDPR Art. 45: a Commission adequacy decision.' },
    STANDARD_CONTRACTUAL_CLAUSES: { description: 'GDPR Art. 46(2)(c): Decision (EU) 2021/914, modules 1-4.' },
    BINDING_CORPORATE_RULES: { description: 'GDPR Art. 46(2)(b) and Art. 47.' },
    CODE_OF_CONDUCT: { description: 'GDPR Art. 46(2)(e).' },
    CERTIFICATION: { description: 'GDPR Art. 46(2)(f).' },
    DEROGATION_EXPLICIT_CONSENT: { description: "GDPR Art. 49(1)(a): the person's explicit consent." },
    DEROGATION_CONTRACT: { description: 'GDPR Art. 49(1)(b) and (c): necessary for a contract.' },
  },
});
