import { ProcessorStatus } from './processor.entity';

const { PROPOSED, ACTIVE, REJECTED, RETIRED } = ProcessorStatus;

/** The privacy officer's decisions, and the one status each may start from. */
export const TRANSITIONS = {
  approveProcessor: { from: PROPOSED, to: ACTIVE },
  rejectProcessor: { from: PROPOSED, to: REJECTED },
  retireProcessor: { from: ACTIVE, to: RETIRED },
} as const;

export type Transition = keyof typeof TRANSITIONS;

/** The status a transition leads to, or why it is not allowed from the current status. */
export function nextStatus(current: ProcessorStatus, transition: Transition): { to: ProcessorStatus } | { refusal: string } {
  const { from, to } = TRANSITIONS[transition];
  if (current === from) return { to };
  return { refusal: `${transition} moves a processor from ${from} to ${to}, but this processor is ${current}` };
}

