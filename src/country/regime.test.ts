import { REGIME_NAMES } from '../common/config';
import { isInsideRegime, Regime, regimeOfLocation, regimeParameter } from './regime';

describe('regimeOfLocation: the regime that protects a person where they are', () => {
  it.each([
    [{ code: 'DE', inEEA: true }, Regime.EU_GDPR],
    [{ code: 'NO', inEEA: true }, Regime.EU_GDPR],
    [{ code: 'LI', inEEA: true }, Regime.EU_GDPR],
    [{ code: 'RE', inEEA: true }, Regime.EU_GDPR],
    [{ code: 'AX', inEEA: true }, Regime.EU_GDPR],
    [{ code: 'GB', inEEA: false }, Regime.UK_GDPR],
    [{ code: 'GB-SCT', inEEA: false }, Regime.UK_GDPR],
    [{ code: 'gb-nir', inEEA: false }, Regime.UK_GDPR],
    [{ code: 'CH', inEEA: false }, Regime.SWISS_FADP],
    [{ code: 'US', inEEA: false }, null],
    [{ code: 'US-CA', inEEA: false }, null],
    // Crown dependencies and Gibraltar have data protection laws of their own.
    [{ code: 'JE', inEEA: false }, null],
    [{ code: 'IM', inEEA: false }, null],
    [{ code: 'GI', inEEA: false }, null],
    [null, null],
  ])('%p -> %p', (place, regime) => {
    expect(regimeOfLocation(place)).toBe(regime);
  });

  it('sees the EEA from the UK and Switzerland as outside, and each regime\'s own territory as inside', () => {
    expect(isInsideRegime(Regime.UK_GDPR, { code: 'DE', inEEA: true })).toBe(false);
    expect(isInsideRegime(Regime.SWISS_FADP, { code: 'DE', inEEA: true })).toBe(false);
    expect(isInsideRegime(Regime.EU_GDPR, { code: 'GB', inEEA: false })).toBe(false);
    expect(isInsideRegime(Regime.SWISS_FADP, { code: 'CH', inEEA: false })).toBe(true);
  });

  it('reads a regime from a parameter, EU_GDPR when absent', () => {
    expect([undefined, '', 'UK_GDPR', 'uk_gdpr', 'CH', ['UK_GDPR']].map(regimeParameter)).toEqual([Regime.EU_GDPR, Regime.EU_GDPR, Regime.UK_GDPR, null, null, null]);
  });

  it('lists the same regimes as the configuration checks SERVED_REGIMES against', () => {
    expect([...REGIME_NAMES]).toEqual(Object.values(Regime));
  });
});
