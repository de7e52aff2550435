import { registerEnumType } from 'type-graphql';
import reference from '../../seeds/reference/adequacy-regimes.json';

/**
 * The data protection laws whose transfer rules datamap applies. The exporter's regime decides a transfer: the
 * law that protects the person whose data it is, which follows from where the person is.
 */
export enum Regime {
  EU_GDPR = 'EU_GDPR',
  UK_GDPR = 'UK_GDPR',
  SWISS_FADP = 'SWISS_FADP',
}

registerEnumType(Regime, {
  name: 'Regime',
  description: 'A data protection law with transfer rules of its own (seeds/reference/adequacy-regimes.json names the sources).',
  valuesConfig: {
    EU_GDPR: { description: 'Regulation (EU) 2016/679, in the EEA and its territories. Transfers: Chapter V (Art. 44-49).' },
    UK_GDPR: { description: 'The UK GDPR and the Data Protection Act 2018, in the United Kingdom. Transfers: UK GDPR Chapter V.' },
    SWISS_FADP: { description: 'The Swiss Federal Act on Data Protection (FADP) and its Ordinance, in Switzerland. Transfers: FADP Art. 16-17.' },
  },
});

/** What the reference data says of one regime: its law, where it applies, and the provisions the rules cite. */
export interface RegimeLaw {
  /** Which list of `adequacy-regimes.json` is the regime's adequacy list. */
  list: 'eu' | 'uk' | 'ch';
  law: string;
  /** "EEA" (the EEA states and their territories) or the ISO codes of the countries where the law applies. */
  territory: 'EEA' | readonly string[];
  adequacy: string;
  safeguards: string;
  derogations: string;
  representative: string;
  record: string;
  sources: readonly { title: string; url: string }[];
}

export const REGIME_LAWS = reference.regimes as Readonly<Record<Regime, RegimeLaw>>;

export const ALL_REGIMES: readonly Regime[] = [Regime.EU_GDPR, Regime.UK_GDPR, Regime.SWISS_FADP];

/** A place as the regime rules need it: its ISO code and whether it is in the EEA (a territory such as RE is). */
export interface PlaceFacts {
  code: string;
  inEEA: boolean;
}

/** True when the regime's law applies in the country itself: a disclosure there is no transfer under that regime. */
export function isInsideRegime(regime: Regime, place: PlaceFacts): boolean {
  const { territory } = REGIME_LAWS[regime];
  if (territory === 'EEA') return place.inEEA;
  // Every hop of every flow asks this: a plain country code needs no parsing.
  return territory.includes(place.code.length === 2 ? place.code : countryPart(place.code));
}

/**
 * The regime that protects a person at `place` (a country, or a subdivision such as GB-SCT): EU_GDPR in the EEA
 * and its territories, UK_GDPR in the United Kingdom, SWISS_FADP in Switzerland; null anywhere else, where none
 * of the three governs what the controller does with the data (a US user of a US controller: US state laws are
 * another matter).
 */
export function regimeOfLocation(place: PlaceFacts | null | undefined): Regime | null {
  if (!place) return null;
  return ALL_REGIMES.find((regime) => isInsideRegime(regime, place)) ?? null;
}

/** The regime a query parameter or CLI option names (EU_GDPR when absent), or null when it names none. */
export function regimeParameter(value: unknown): Regime | null {
  if (value === undefined || value === '') return Regime.EU_GDPR;
  return typeof value === 'string' && (ALL_REGIMES as readonly string[]).includes(value) ? (value as Regime) : null;
}

/** `GB-SCT` -> `GB`: an ISO 3166-2 subdivision belongs to its country. */
const countryPart = (code: string) => code.toUpperCase().split('-')[0];
