import policy from '../../seeds/reference/jurisdictions.json';
import { JurisdictionFormatError, jurisdictionInput, parseJurisdiction, unknownCountryMessage } from './jurisdiction';

describe('parseJurisdiction', () => {
  test('a country code stands for itself', () => {
    expect(parseJurisdiction('DE', 'country')).toEqual({ code: 'DE', country: 'DE', subdivision: null });
  });

  test('a subdivision names its country by its first two letters', () => {
    expect(parseJurisdiction('CA-QC', 'country')).toEqual({ code: 'CA-QC', country: 'CA', subdivision: 'CA-QC' });
  });

  test('case and surrounding spaces do not matter', () => {
    expect(parseJurisdiction(' ca-qc ', 'country')).toEqual({ code: 'CA-QC', country: 'CA', subdivision: 'CA-QC' });
  });

  test('subdivision parts of one to three letters or digits are accepted', () => {
    expect(parseJurisdiction('FR-75C', 'country').code).toBe('FR-75C');
    expect(parseJurisdiction('GB-ENG', 'country').code).toBe('GB-ENG');
    expect(parseJurisdiction('ES-M', 'country').code).toBe('ES-M');
  });

  test.each(['Germany', 'DEU', 'D', '', 'CA-', 'CA-QUEB', 'CA_QC', 'C1', '-QC', 'CA-Q-C'])('%p is refused with a message naming the field', (value) => {
    const act = () => parseJurisdiction(value, 'country');
    expect(act).toThrow(JurisdictionFormatError);
    expect(act).toThrow(
      `country ${JSON.stringify(value)} is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"`,
    );
  });
});

describe('subdivisions ISO 3166-2 does not list', () => {
  test.each([
    ['DE-XX', 'country "DE-XX" is not an ISO 3166-2 subdivision of DE (DE has 16, such as "DE-BB"); give the country alone, "DE", when the subdivision is not known'],
    ['us-a00', 'country "US-A00" is not an ISO 3166-2 subdivision of US (US has 57, such as "US-AK"); give the country alone, "US", when the subdivision is not known'],
    ['FR-75', 'country "FR-75" is not an ISO 3166-2 subdivision of FR (FR has 124, such as "FR-01"); give the country alone, "FR", when the subdivision is not known'],
    ['VA-01', 'country "VA-01" is not an ISO 3166-2 subdivision of VA (VA has none); give the country alone, "VA", when the subdivision is not known'],
  ])('%p is refused, naming its country', (value, message) => {
    expect(() => parseJurisdiction(value, 'country')).toThrow(message);
  });

  test('every subdivision the age policy gives an age of its own is listed', () => {
    const ages = Object.keys(policy.digitalConsentAge.ages).filter((code) => code.includes('-'));
    expect(ages.length).toBeGreaterThan(0);
    for (const code of ages) expect(parseJurisdiction(code, 'country').subdivision).toBe(code);
  });
});

describe('jurisdictionInput', () => {
  test('a malformed code is BAD_USER_INPUT on the full path, with the last part of the path in the message', () => {
    try {
      jurisdictionInput('Quebec', 'input.jurisdiction');
      throw new Error('expected an error');
    } catch (error) {
      expect((error as Error).message).toBe(
        'jurisdiction "Quebec" is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"',
      );
      expect((error as { extensions: unknown }).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.jurisdiction', value: 'Quebec' });
    }
  });
});

describe('unknownCountryMessage', () => {
  test('names the unknown country code', () => {
    expect(unknownCountryMessage('country', parseJurisdiction('XX', 'country'))).toBe('country "XX" is not a known ISO 3166-1 alpha-2 country code');
  });

  test('names the unknown country of a subdivision', () => {
    expect(unknownCountryMessage('country', parseJurisdiction('XX-QC', 'country'))).toBe(
      'country "XX-QC" names an unknown country: "XX" is not a known ISO 3166-1 alpha-2 country code',
    );
  });
});
