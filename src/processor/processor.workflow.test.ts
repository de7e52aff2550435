import { ProcessorStatus } from './processor.entity';
import { nextStatus, type Transition } from './processor.workflow';

const { PROPOSED, ACTIVE, REJECTED, RETIRED } = ProcessorStatus;

describe('nextStatus', () => {
  it.each<[Transition, ProcessorStatus, ProcessorStatus]>([
    ['approveProcessor', PROPOSED, ACTIVE],
    ['rejectProcessor', PROPOSED, REJECTED],
    ['retireProcessor', ACTIVE, RETIRED],
  ])('lets %s move a processor from %s to %s', (transition, from, to) => {
    expect(nextStatus(from, transition)).toEqual({ to });
  });

  it.each<[Transition, ProcessorStatus]>([
    ['approveProcessor', ACTIVE],
    ['approveProcessor', REJECTED],
    ['approveProcessor', RETIRED],
    ['rejectProcessor', ACTIVE],
    ['rejectProcessor', REJECTED],
    ['rejectProcessor', RETIRED],
    ['retireProcessor', PROPOSED],
    ['retireProcessor', REJECTED],
    ['retireProcessor', RETIRED],
  ])('refuses %s from %s, naming the current status', (transition, from) => {
    const result = nextStatus(from, transition);
    expect(result).toEqual({ refusal: expect.stringMatching(new RegExp(`but this processor is ${from}$`)) });
  });
});
