import { authAs, errorOf, startTestApp, type TestApp } from './harness';

/**
 * Issue 18, reproduction 5: the one-person view judges age as the age gate does. Below the age of digital consent of
 * their jurisdiction, a child's flows on consent need a parent's consent (GDPR Art. 8(1)); in Quebec (Law 25 s.4.1)
 * and India (DPDP Act 2023 s.9(1)), every flow does.
 */
let app: TestApp;
let viewer: Record<string, string>;
const now = new Date('2026-06-15T12:00:00Z');
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  viewer = await authAs('VIEWER');
});
afterAll(() => app.close());

const FLOW = 'activity { key } processor { key } destination { code }';
type Flow = { activity: { key: string }; processor: { key: string }; destination: { code: string } };
const pathOf = (flow: Flow) => `${flow.activity.key} -> ${flow.processor.key}@${flow.destination.code}`;

/** Born on 1 January: `age` years old on the test's date. */
const bornAged = (age: number) => `${2026 - age}-01-01`;

async function person(profile: Record<string, unknown>) {
  const response = await app.gql(
    `query($profile: SubjectProfileInput!) { userDataFlow(profile: $profile) {
      flows(first: 500) { nodes { ${FLOW} } }
      excluded(first: 500, reasons: [BELOW_DIGITAL_CONSENT_AGE]) { nodes { reason flow { ${FLOW} } } }
      summary { excludedByReason { reason count } processors { key } } } }`,
    { profile },
    viewer,
  );
  expect(response.errors).toBeUndefined();
  const { flows, excluded, summary } = response.data!.userDataFlow;
  return {
    flows: [...new Set<string>(flows.nodes.map(pathOf))],
    belowAge: [...new Set<string>(excluded.nodes.map((node: { flow: Flow }) => pathOf(node.flow)))],
    byReason: Object.fromEntries(summary.excludedByReason.map((group: { reason: string; count: number }) => [group.reason, group.count])),
  };
}

const ANALYTICS = 'usage-analytics -> google-analytics@US';

describe('a child in the GDPR: consent-based flows need a parent', () => {
  const fifteenInGermany = { country: 'DE', collectionPoints: [], consents: ['performance-cookies'], birthDate: bornAged(15) };

  it('excludes the Google Analytics flow of a 15-year-old in DE who ticked performance cookies (the age of digital consent is 16)', async () => {
    const child = await person(fifteenInGermany);
    expect(child.flows).not.toContain(ANALYTICS);
    expect(child.belowAge).toEqual([ANALYTICS]);
    // Website delivery and fraud prevention rest on legitimate interests: Art. 8 does not reach them.
    expect(child.flows).toEqual(expect.arrayContaining(['website-delivery -> aws@US', 'fraud-prevention -> aws@US']));
  });

  it('includes it with a parent\'s consent, at 16, and without a birth date, as before', async () => {
    for (const profile of [
      { ...fifteenInGermany, parentalConsent: true },
      { ...fifteenInGermany, birthDate: bornAged(16) },
      { country: 'DE', collectionPoints: [], consents: ['performance-cookies'] },
    ]) {
      const answer = await person(profile);
      expect({ profile, analytics: answer.flows.includes(ANALYTICS), belowAge: answer.belowAge }).toEqual({ profile, analytics: true, belowAge: [] });
    }
  });

  it('uses the jurisdiction\'s own age: 13 in BE lets a 14-year-old consent alone', async () => {
    const answer = await person({ ...fifteenInGermany, country: 'BE', birthDate: bornAged(14) });
    expect(answer.flows).toContain(ANALYTICS);
  });

  it('puts NOT_COLLECTED and CONSENT_NOT_GIVEN first: a child who consented to nothing is excluded for that', async () => {
    const answer = await person({ ...fifteenInGermany, consents: [] });
    expect(answer.belowAge).toEqual([]);
    expect(answer.byReason.BELOW_DIGITAL_CONSENT_AGE).toBeUndefined();
  });
});

describe('Quebec and India: every flow of a child needs a parent', () => {
  const registered = { collectionPoints: ['registration'], consents: [] };

  it('excludes a 13-year-old\'s contract flows in CA-QC (under 14) without a parent\'s consent, and includes them with it', async () => {
    const child = await person({ ...registered, country: 'CA-QC', birthDate: bornAged(13) });
    const withParent = await person({ ...registered, country: 'CA-QC', birthDate: bornAged(13), parentalConsent: true });
    expect(child.flows).toEqual([]);
    expect(child.belowAge).toEqual(withParent.flows);
    expect(withParent.flows).toEqual(expect.arrayContaining(['platform-hosting -> aws@US', 'service-communications -> sendgrid@US']));
  });

  it('asks nothing of a 14-year-old in CA-QC, nor of a 13-year-old elsewhere in Canada', async () => {
    for (const profile of [
      { ...registered, country: 'CA-QC', birthDate: bornAged(14) },
      { ...registered, country: 'CA', birthDate: bornAged(13) },
    ]) {
      expect({ profile, belowAge: (await person(profile)).belowAge }).toEqual({ profile, belowAge: [] });
    }
  });

  it('excludes every flow of a 17-year-old in IN (a child under 18), whatever the basis', async () => {
    const child = await person({ ...registered, country: 'IN', birthDate: bornAged(17) });
    const adult = await person({ ...registered, country: 'IN', birthDate: bornAged(18) });
    expect(child.flows).toEqual([]);
    expect(child.belowAge).toEqual(adult.flows);
    expect(adult.flows.length).toBeGreaterThan(4);
  });
});

describe('the birth date is checked as the age gate checks it', () => {
  it.each([
    ['2026-02-30', 'birthDate "2026-02-30" is not a real date: the day must be between 01 and 28 in February 2026'],
    ['2027-01-01', 'birthDate "2027-01-01" is in the future: today is 2026-06-15 in UTC'],
    ['15 years', 'birthDate "15 years" is not a date in the form YYYY-MM-DD'],
  ])('refuses %s as BAD_USER_INPUT on profile.birthDate', async (birthDate, message) => {
    const response = await app.gql(
      'query($profile: SubjectProfileInput!) { userDataFlow(profile: $profile) { summary { flowCount } } }',
      { profile: { country: 'DE', collectionPoints: [], consents: [], birthDate } },
      viewer,
    );
    expect(errorOf(response)).toEqual(['BAD_USER_INPUT', message]);
    expect(response.errors![0].extensions!.field).toBe('profile.birthDate');
  });
});
