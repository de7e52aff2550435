import { registerEnumType } from 'type-graphql';

/** What a transfer impact assessment concluded about a transfer on an Art. 46 safeguard (EDPB Recommendations 01/2020). */
export enum TiaOutcome {
  ADEQUATE_PROTECTION = 'ADEQUATE_PROTECTION',
  WITH_SUPPLEMENTARY_MEASURES = 'WITH_SUPPLEMENTARY_MEASURES',
  TRANSFER_SUSPENDED = 'TRANSFER_SUSPENDED',
}

registerEnumType(TiaOutcome, {
  name: 'TiaOutcome',
  description: "The conclusion of a transfer impact assessment of the destination's laws and practice (C-311/18 Schrems II; SCC Clause 14).",
  valuesConfig: {
    ADEQUATE_PROTECTION: { description: 'Nothing in the destination impinges on the safeguard: the transfer may proceed as it is.' },
    WITH_SUPPLEMENTARY_MEASURES: { description: 'The transfer may proceed with the supplementary measures listed (EDPB Recommendations 01/2020, Annex 2).' },
    TRANSFER_SUSPENDED: {
      description: 'No measure makes the protection essentially equivalent: the transfer must stop (SCC Clause 16(b)), and the hop is not safeguarded.',
    },
  },
});
