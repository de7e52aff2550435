import { registerEnumType } from 'type-graphql';

/** The outcome of one check, as the counters keep it: every answered check has exactly one. */
export enum AgeGateOutcome {
  ALLOWED = 'ALLOWED',
  BLOCKED = 'BLOCKED',
  PARENTAL_CONSENT_REQUIRED = 'PARENTAL_CONSENT_REQUIRED',
}

registerEnumType(AgeGateOutcome, {
  name: 'AgeGateOutcome',
  description: 'How a check ended, for the aggregate counters.',
  valuesConfig: {
    ALLOWED: { description: 'Allowed, at or above the age of digital consent.' },
    BLOCKED: { description: 'Refused: under the platform minimum age.' },
    PARENTAL_CONSENT_REQUIRED: { description: 'Allowed, but under the age of digital consent: a parent must consent.' },
  },
});
