import { AdequacyScope } from '../country/country.entity';
import { Regime } from '../country/regime';
import { checkProcessor, referencedKeys, type ProcessorReferences } from './processor.validation';
import { TransferMechanism } from './transfer-mechanism';

const countries = {
  DE: { code: 'DE', name: 'Germany', inEEA: true, adequacy: AdequacyScope.NONE },
  JP: { code: 'JP', name: 'Japan', inEEA: false, adequacy: AdequacyScope.FULL },
  IN: { code: 'IN', name: 'India', inEEA: false, adequacy: AdequacyScope.NONE },
};
const refs: ProcessorReferences = {
  country: (code) => countries[code as keyof typeof countries],
  hasCategory: (key) => ['contact', 'contact.email'].includes(key),
  hasActivity: (key) => key === 'platform-hosting',
  engagements: new Map(),
};
const valid = {
  key: 'acme-cloud',
  name: 'Acme Cloud',
  service: 'Hosting',
  headquarters: 'IN',
  locations: [{ country: 'IN', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' }],
  dataCategories: ['contact.email'],
  activities: ['platform-hosting'],
};

describe('checkProcessor', () => {
  it('accepts a complete processor and keeps its locations as given', () => {
    expect(checkProcessor(valid, refs, 'input')).toEqual({
      problems: [],
      locations: [{ country: 'IN', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2', dpf: null, safeguards: [] }],
    });
  });

  it('judges a processor registered without locations at its headquarters', () => {
    expect(checkProcessor({ ...valid, locations: [] }, refs, 'input').problems).toEqual([
      {
        field: 'input.locations',
        value: [],
        message:
          'input.locations: no processing location is recorded, so the processor is judged at its headquarters IN (India): ' +
          'a mechanism is required for IN (India), which has no adequacy decision; use an Art. 46 safeguard ' +
          '(STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 derogation ' +
          '(DEROGATION_EXPLICIT_CONSENT, DEROGATION_CONTRACT); add a location for IN with its transfer mechanism',
      },
    ]);
    expect(checkProcessor({ ...valid, headquarters: 'DE', locations: [] }, refs, 'input').problems).toEqual([]);
    expect(checkProcessor({ ...valid, headquarters: 'JP', locations: [] }, refs, 'input').problems).toEqual([]);
  });

  it('refuses SCC module 3 for a processor the controller engages directly', () => {
    const input = { ...valid, locations: [{ country: 'IN', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 3' }] };
    expect(checkProcessor(input, refs, 'input').problems.map((p) => p.field)).toEqual(['input.locations[0].reference']);
  });

  it('reports every problem at once, each naming its field and value', () => {
    const input = {
      key: 'Acme_Cloud',
      name: '  ',
      service: '',
      headquarters: 'XX',
      locations: [{ country: 'ZZ' }, { country: 'IN', mechanism: TransferMechanism.ADEQUACY_DECISION }],
      dataCategories: ['contact', 'health'],
      activities: ['Bad Key', 'mining'],
    };
    const { problems } = checkProcessor(input, refs, 'input');
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['input.key', 'Acme_Cloud'],
      ['input.name', '  '],
      ['input.service', ''],
      ['input.headquarters', 'XX'],
      ['input.dataCategories[1]', 'health'],
      ['input.activities[0]', 'Bad Key'],
      ['input.activities[1]', 'mining'],
      ['input.locations[0].country', 'ZZ'],
      ['input.locations[1].mechanism', 'ADEQUACY_DECISION'],
    ]);
    expect(problems[4].message).toBe('input.dataCategories[1]: unknown data category "health"');
    expect(problems[7].message).toBe('input.locations[0].country: unknown country "ZZ": use an ISO 3166-1 alpha-2 code such as "DE"');
  });

  it('refuses the same country twice', () => {
    const input = { ...valid, locations: [{ country: 'DE' }, { country: 'de' }] };
    expect(checkProcessor(input, refs, 'processors[3]').problems).toEqual([
      {
        field: 'processors[3].locations[1].country',
        value: 'de',
        message: 'processors[3].locations[1].country: "DE" is listed twice: give each country one location',
      },
    ]);
  });

  it('resolves mechanisms by the transfer rules: none inside the EEA, adequacy for a fully adequate country', () => {
    const input = { ...valid, locations: [{ country: 'de', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES }, { country: 'JP' }] };
    expect(checkProcessor(input, refs, 'input').locations).toEqual([
      { country: 'DE', mechanism: null, reference: null, dpf: null, safeguards: [] },
      { country: 'JP', mechanism: TransferMechanism.ADEQUACY_DECISION, reference: null, dpf: null, safeguards: [] },
    ]);
  });

  it('checks the safeguards of each regime, and how long their references are', () => {
    const input = {
      ...valid,
      locations: [
        {
          country: 'IN',
          mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES,
          reference: 'SCC 2021/914 module 2',
          safeguards: [{ regime: Regime.UK_GDPR, mechanism: TransferMechanism.UK_IDTA, reference: 'x'.repeat(2001) }],
        },
      ],
    };
    expect(checkProcessor(input, refs, 'input').problems.map((p) => p.message)).toEqual([
      'input.locations[0].safeguards[0].reference: is 2001 characters long; at most 2000 are allowed',
    ]);
  });

  it('checks only the fields an update gives', () => {
    expect(checkProcessor({ name: 'Renamed' }, refs, 'input').problems).toEqual([]);
  });

  it('lists the keys an input refers to, country codes upper-cased', () => {
    expect(referencedKeys({ ...valid, headquarters: 'in', locations: [{ country: 'de' }] })).toEqual({
      countries: ['IN', 'DE'],
      categories: ['contact.email'],
      activities: ['platform-hosting'],
    });
  });
});
