import { contactDetailIn, reasonProblem } from './free-text';

describe('contactDetailIn', () => {
  it.each([
    ['Asked by jane.doe@example.com', 'an email address'],
    ['Call +1 (555) 123-4567', 'a phone number'],
    ['Rang from 0151 234 5678', 'a phone number'],
    ['Number 0044 20 7946 0958', 'a phone number'],
    ['Reach her at 555 123 4567', 'a phone number'],
    ['Reach her at (555) 1234567', 'a phone number'],
  ])('finds %j: %s', (text, found) => {
    expect(contactDetailIn(text)).toBe(found);
  });

  it.each([
    ['Complex request across several systems'],
    ['Backups restored by 2027-02-20, scope fixed at 2027-02-21T10:00:00Z'],
    ['Ticket ZD-44121 and user-8812'],
    ['CVE-2024-12345 was exploited'],
    ['Version 1.2.3 of the library; 1200 people; 5400 records'],
  ])('finds nothing in %j', (text) => {
    expect(contactDetailIn(text)).toBeNull();
  });

  it('bounds a reason at 10,000 characters', () => {
    expect(reasonProblem('reason', 'x'.repeat(10_000))).toBeNull();
    expect(reasonProblem('reason', 'x'.repeat(10_001))).toBe('reason is 10001 characters long; at most 10000 are kept');
  });
});
