import { registerEnumType } from 'type-graphql';
import { PartyRole } from './transfer-rules';

/**
 * What a recipient is to the organisation, which decides the parties of every transfer to it: a processor acts
 * on the organisation's instructions (Art. 28); an independent controller decides its own purposes (Art. 4(7));
 * joint controllers decide them together under an arrangement (Art. 26).
 */
export enum RecipientRole {
  PROCESSOR = 'PROCESSOR',
  INDEPENDENT_CONTROLLER = 'INDEPENDENT_CONTROLLER',
  JOINT_CONTROLLER = 'JOINT_CONTROLLER',
}

registerEnumType(RecipientRole, {
  name: 'RecipientRole',
  description: 'What a recipient is to the organisation: the parties of a transfer to it, and so the SCC module (Decision (EU) 2021/914).',
  valuesConfig: {
    PROCESSOR: { description: "Processes the data on the organisation's behalf, under a contract (Art. 28): controller to processor, SCC module 2; a sub-processor is module 3." },
    INDEPENDENT_CONTROLLER: { description: 'Receives the data for its own purposes (Art. 4(7)): controller to controller, SCC module 1.' },
    JOINT_CONTROLLER: { description: 'Decides the purposes together with the organisation under an Art. 26 arrangement: controller to controller, SCC module 1.' },
  },
});

/** The deepest chain of engagement: the organisation's processor, and at most four sub-processors below it. */
export const MAX_CHAIN_DEPTH = 5;

/** The party a recipient is to a transfer: a controller of either kind, or a processor. */
export function partyRoleOf(role: RecipientRole | null | undefined): PartyRole {
  return role == null || role === RecipientRole.PROCESSOR ? PartyRole.PROCESSOR : PartyRole.CONTROLLER;
}

/**
 * The parties of one hop: the organisation (a controller) sends to the recipients it engages; an engager sends to
 * the sub-processor it engaged (Art. 28(2),(4): processor to processor, or controller to processor for a
 * controller recipient's own processor). A hop always carries an engagement's regular processing.
 */
export function hopParties(engagerRole: RecipientRole | null, importerRole: RecipientRole | null | undefined) {
  return {
    exporter: engagerRole === null ? PartyRole.CONTROLLER : partyRoleOf(engagerRole),
    importer: partyRoleOf(importerRole),
    regular: true,
  } as const;
}
