import { registerEnumType } from 'type-graphql';

/** The six lawful bases of GDPR Art. 6(1). */
export enum LegalBasis {
  CONSENT = 'CONSENT',
  CONTRACT = 'CONTRACT',
  LEGAL_OBLIGATION = 'LEGAL_OBLIGATION',
  VITAL_INTERESTS = 'VITAL_INTERESTS',
  PUBLIC_TASK = 'PUBLIC_TASK',
  LEGITIMATE_INTERESTS = 'LEGITIMATE_INTERESTS',
}

registerEnumType(LegalBasis, {
  name: 'LegalBasis',
  description: 'The lawful basis for processing, GDPR Art. 6(1).',
  valuesConfig: {
    CONSENT: { description: 'Art. 6(1)(a): the person consented.' },
    CONTRACT: { description: 'Art. 6(1)(b): needed to perform a contract with the person.' },
    LEGAL_OBLIGATION: { description: 'Art. 6(1)(c): needed to comply with a legal obligation.' },
    VITAL_INTERESTS: { description: "Art. 6(1)(d): needed to protect someone's vital interests." },
    PUBLIC_TASK: { description: 'Art. 6(1)(e): a task in the public interest or official authority.' },
    LEGITIMATE_INTERESTS: { description: 'Art. 6(1)(f): the legitimate interests of the controller or a third party.' },
  },
});
