import type { AddressField, AddressJson } from './address-fields.js';
import { AU_STATES, BR_STATES, CA_PROVINCES, findRegion, IN_STATES, MX_STATES, US_STATES, type RegionEntry } from './address-regions.js';

/**
 * What each country we deliver to needs in an address. Required fields, postal-code patterns and display
 * layouts follow Google's libaddressinput metadata (Apache-2.0, chromium-i18n.appspot.com/ssl-address) and
 * the national postal operators' published formats; postal codes are stored in the operator's canonical form
 * (uppercase, its own spacing), so two spellings of one address compare equal.
 */
export interface CountryRule {
  code: string;
  requires: { city: boolean; region: boolean; postalCode: boolean };
  postal: { compact: RegExp; canonical: (compact: string) => string; example: string };
  /** When the country's list is short and stable the region is chosen from it and stored as its code. */
  regions?: readonly RegionEntry[];
  labels: { city: string; region: string; postalCode: string };
  /** Display lines, tokens {name} {line1} {line2} {city} {region} {zip}; see address-format.ts. */
  layout: readonly string[];
}

const digits = (n: number, first = '\\d') => new RegExp(`^${first}\\d{${n - 1}}$`);
const asIs = (c: string) => c;
const splitAt = (at: number, sep: string) => (c: string) => `${c.slice(0, at)}${sep}${c.slice(at)}`;
const spaceBeforeLast3 = (c: string) => `${c.slice(0, -3)} ${c.slice(-3)}`;

const needs = (flags: string) => ({ city: flags.includes('C'), region: flags.includes('S'), postalCode: flags.includes('Z') });
const labels = (region = 'Region', postalCode = 'Postal code', city = 'City') => ({ city, region, postalCode });

const WESTERN = ['{name}', '{line1}', '{line2}', '{zip} {city}'];
const WESTERN_WITH_REGION = ['{name}', '{line1}', '{line2}', '{zip} {city} {region}'];
const NORTH_AMERICAN = ['{name}', '{line1}', '{line2}', '{city}, {region} {zip}'];
// Japan, China and Korea write from the largest unit down: postal code, region, city, street, then the name.
const LARGEST_FIRST = ['{zip}', '{region} {city}', '{line1}', '{line2}', '{name}'];

const rules: CountryRule[] = [
  { code: 'US', requires: needs('CSZ'), regions: US_STATES, labels: labels('State', 'ZIP code'), layout: NORTH_AMERICAN,
    postal: { compact: /^\d{5}(\d{4})?$/, canonical: (c) => (c.length === 9 ? splitAt(5, '-')(c) : c), example: '94103 or 94103-1234' } },
  { code: 'CN', requires: needs('CS'), labels: labels('Province'), layout: LARGEST_FIRST,
    postal: { compact: digits(6), canonical: asIs, example: '100000' } },
  { code: 'GB', requires: needs('CZ'), labels: labels('County', 'Postcode', 'Town or city'),
    layout: ['{name}', '{line1}', '{line2}', '{city}', '{region}', '{zip}'],
    // The UK government's postcode pattern (BS 7666), GIR 0AA included.
    postal: { compact: /^(GIR0AA|[A-PR-UWYZ]([0-9][0-9A-HJKPS-UW]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)[0-9][ABD-HJLNP-UW-Z]{2})$/, canonical: spaceBeforeLast3, example: 'SW1A 1AA' } },
  { code: 'JP', requires: needs('SZ'), labels: labels('Prefecture'), layout: LARGEST_FIRST,
    postal: { compact: digits(7), canonical: splitAt(3, '-'), example: '100-0001' } },
  { code: 'DE', requires: needs('CZ'), labels: labels(), layout: WESTERN, postal: { compact: digits(5), canonical: asIs, example: '10115' } },
  { code: 'FR', requires: needs('CZ'), labels: labels(), layout: WESTERN, postal: { compact: digits(5), canonical: asIs, example: '75008' } },
  { code: 'KR', requires: needs('CSZ'), labels: labels('Province'), layout: LARGEST_FIRST,
    postal: { compact: digits(5), canonical: asIs, example: '03187' } },
  { code: 'IN', requires: needs('CSZ'), regions: IN_STATES, labels: labels('State', 'PIN code'),
    layout: ['{name}', '{line1}', '{line2}', '{city} {zip}', '{region}'],
    postal: { compact: digits(6, '[1-9]'), canonical: asIs, example: '110001' } },
  { code: 'CA', requires: needs('CSZ'), regions: CA_PROVINCES, labels: labels('Province or territory'),
    layout: ['{name}', '{line1}', '{line2}', '{city} {region} {zip}'],
    // Canada Post: no D F I O Q U anywhere, no W or Z as the first letter.
    postal: { compact: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$/, canonical: spaceBeforeLast3, example: 'K1A 0B1' } },
  { code: 'BR', requires: needs('CSZ'), regions: BR_STATES, labels: labels('State', 'CEP'),
    layout: ['{name}', '{line1}', '{line2}', '{city}-{region}', '{zip}'],
    postal: { compact: digits(8), canonical: splitAt(5, '-'), example: '01310-100' } },
  { code: 'AU', requires: needs('CSZ'), regions: AU_STATES, labels: labels('State or territory', 'Postcode', 'Suburb'),
    layout: ['{name}', '{line1}', '{line2}', '{city} {region} {zip}'],
    postal: { compact: digits(4), canonical: asIs, example: '2000' } },
  { code: 'ES', requires: needs('CSZ'), labels: labels('Province'), layout: WESTERN_WITH_REGION,
    postal: { compact: /^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/, canonical: asIs, example: '28013' } },
  { code: 'IT', requires: needs('CSZ'), labels: labels('Province'), layout: WESTERN_WITH_REGION,
    postal: { compact: digits(5), canonical: asIs, example: '00144' } },
  { code: 'NL', requires: needs('CZ'), labels: labels('Province', 'Postcode'), layout: WESTERN,
    // PostNL never issues the letter pairs SA, SD and SS.
    postal: { compact: /^[1-9]\d{3}(?!SA|SD|SS)[A-Z]{2}$/, canonical: splitAt(4, ' '), example: '1012 AB' } },
  { code: 'MX', requires: needs('CSZ'), regions: MX_STATES, labels: labels('State', 'Código postal'),
    layout: ['{name}', '{line1}', '{line2}', '{zip} {city}, {region}'],
    postal: { compact: digits(5), canonical: asIs, example: '06600' } },
  { code: 'ID', requires: needs('CS'), labels: labels('Province'),
    layout: ['{name}', '{line1}', '{line2}', '{city}', '{region} {zip}'],
    postal: { compact: digits(5, '[1-9]'), canonical: asIs, example: '10110' } },
  { code: 'RU', requires: needs('CSZ'), labels: labels('Region (oblast)'),
    layout: ['{name}', '{line1}', '{line2}', '{city}', '{region}', '{zip}'],
    postal: { compact: digits(6, '[1-9]'), canonical: asIs, example: '101000' } },
  { code: 'TR', requires: needs('CZ'), labels: labels('District'), layout: ['{name}', '{line1}', '{line2}', '{zip} {city}/{region}'],
    postal: { compact: /^(0[1-9]|[1-7]\d|8[01])\d{3}$/, canonical: asIs, example: '34000' } },
  { code: 'SE', requires: needs('CZ'), labels: labels(), layout: WESTERN,
    postal: { compact: digits(5, '[1-9]'), canonical: splitAt(3, ' '), example: '114 55' } },
  { code: 'PL', requires: needs('CZ'), labels: labels(), layout: WESTERN,
    postal: { compact: digits(5), canonical: splitAt(2, '-'), example: '00-950' } },
  { code: 'CH', requires: needs('CZ'), labels: labels('Canton'), layout: WESTERN, postal: { compact: digits(4, '[1-9]'), canonical: asIs, example: '8001' } },
  { code: 'BE', requires: needs('CZ'), labels: labels(), layout: WESTERN, postal: { compact: digits(4, '[1-9]'), canonical: asIs, example: '1000' } },
  { code: 'AT', requires: needs('CZ'), labels: labels(), layout: WESTERN, postal: { compact: digits(4, '[1-9]'), canonical: asIs, example: '1010' } },
  // Eircodes exist since 2015 but many people still do not know theirs, so it stays optional.
  { code: 'IE', requires: needs('C'), labels: labels('County', 'Eircode', 'Town or city'),
    layout: ['{name}', '{line1}', '{line2}', '{city}', '{region}', '{zip}'],
    postal: { compact: /^([AC-FHKNPRTV-Y]\d{2}|D6W)[0-9AC-FHKNPRTV-Y]{4}$/, canonical: splitAt(3, ' '), example: 'D02 X285' } },
  { code: 'SG', requires: needs('Z'), labels: labels(), layout: ['{name}', '{line1}', '{line2}', '{city} {zip}'],
    postal: { compact: digits(6), canonical: asIs, example: '018956' } },
];

const byCode = new Map(rules.map((rule) => [rule.code, rule]));
const englishNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** Supported countries, sorted by English name for the country <select>. */
export const SUPPORTED_COUNTRIES: readonly { code: string; name: string }[] = rules
  .map((rule) => ({ code: rule.code, name: countryName(rule.code) ?? rule.code }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));

export function isSupportedCountry(code: string): boolean {
  return byCode.has(code);
}

export function countryRule(code: string): CountryRule | undefined {
  return byCode.get(code);
}

/** English name for an ISO 3166-1 alpha-2 code, or undefined if it is not one. */
export function countryName(code: string): string | undefined {
  // ZZ, the Q* and X* ranges and EU/UN are reserved or user-assigned, not countries.
  if (!/^[A-Z]{2}$/.test(code) || /^(ZZ|Q[M-Z]|X[A-Z]|EU|EZ|UN|AA)$/.test(code)) return undefined;
  try {
    return englishNames.of(code) ?? undefined;
  } catch {
    return undefined;
  }
}

export interface CountryCheck {
  value: Partial<AddressJson>;
  problems: Partial<Record<AddressField, string>>;
}

/** Applies the country's required fields, postal-code format and region list to already-cleaned text. */
export function applyCountryRules(rule: CountryRule, address: AddressJson): CountryCheck {
  const value: Partial<AddressJson> = {};
  const problems: CountryCheck['problems'] = {};
  const { city, region, postalCode } = rule.labels;
  if (rule.requires.city && !address.city) problems.city = `Enter the ${inSentence(city)}.`;

  if (address.region && rule.regions) {
    const code = findRegion(rule.regions, address.region);
    if (code) value.region = code;
    else problems.region = `Choose a ${inSentence(region)} from the list for ${countryName(rule.code) ?? rule.code}.`;
  } else if (!address.region && rule.requires.region) {
    problems.region = `${rule.regions ? 'Choose' : 'Enter'} the ${inSentence(region)}.`;
  }

  if (address.postal_code) {
    const postal = normalisePostalCode(rule, address.postal_code);
    if (postal) value.postal_code = postal;
    else problems.postal_code = `Enter ${/^[AEIOU]/.test(postalCode) ? 'an' : 'a'} ${inSentence(postalCode)} like ${rule.postal.example}.`;
  } else if (rule.requires.postalCode) {
    problems.postal_code = `Enter the ${inSentence(postalCode)}.`;
  }
  return { value, problems };
}

/** "Postcode" reads "postcode" mid-sentence; "ZIP code", "PIN code" and "CEP" keep their capitals. */
function inSentence(label: string): string {
  return /^[A-Z][A-Z]/.test(label) ? label : label[0]!.toLowerCase() + label.slice(1);
}

/** The canonical form of a postal code for the country, or null if it is not one. */
export function normalisePostalCode(rule: CountryRule, input: string): string | null {
  // Full-width digits and letters (typed on Japanese, Chinese and Korean keyboards) become ASCII.
  const text = input.normalize('NFKC').toUpperCase().trim().replace(/\s+/g, ' ');
  // At most one space or hyphen between groups: "SW1A 1AA", "01310-100", not "1-0-0-0-0-0-1".
  if (!/^[A-Z0-9]+([ -][A-Z0-9]+)?$/.test(text)) return null;
  const compact = text.replace(/[ -]/g, '');
  return rule.postal.compact.test(compact) ? rule.postal.canonical(compact) : null;
}
