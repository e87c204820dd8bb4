import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/platform/errors.js';
import { SUPPORTED_COUNTRIES } from '../../../src/wallet/addresses/address-rules.js';
import { formatAddressLines, fromAddressJson, parsePostalAddress, readAddressSnapshot, toAddressJson, UNREADABLE_ADDRESS, type PostalAddress } from '../../../src/wallet/addresses/postal-address.js';

/** The field errors a bad address gets, or a failure if it was accepted. */
function problems(input: unknown, prefix?: string): Record<string, string> {
  try {
    parsePostalAddress(input, prefix);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('request.invalid');
    return (error as AppError).fields!;
  }
  throw new Error('the address was accepted');
}

// One real-looking address per country: [country, the rest of the address, postal code as typed, as stored, a wrong one].
const countries: Array<[string, Record<string, string>, string, string, string]> = [
  ['US', { line1: '1 Market St', city: 'San Francisco', region: 'CA' }, '94103 1234', '94103-1234', '9410'],
  ['CN', { line1: '建国门外大街1号', city: '朝阳区', region: '北京市' }, '１０００２０', '100020', '10002'],
  ['GB', { line1: '10 Downing Street', city: 'London' }, 'sw1a2aa', 'SW1A 2AA', 'QW1A 2AA'],
  ['JP', { line1: '丸の内1-1', city: '千代田区', region: '東京都' }, '1000005', '100-0005', '100-005'],
  ['DE', { line1: 'Unter den Linden 77', city: 'Berlin' }, ' 10117 ', '10117', '1011'],
  ['FR', { line1: '55 rue du Faubourg Saint-Honoré', city: 'Paris' }, '75 008', '75008', '7500'],
  ['KR', { line1: '세종대로 209', city: '종로구', region: '서울특별시' }, '03171', '03171', '0317'],
  ['IN', { line1: '1 Rajpath', city: 'New Delhi', region: 'Delhi' }, '110 001', '110001', '011001'],
  ['CA', { line1: '111 Wellington St', city: 'Ottawa', region: 'Ontario' }, 'k1a0a9', 'K1A 0A9', 'D1A 0A9'],
  ['BR', { line1: 'Av. Paulista, 1578', city: 'São Paulo', region: 'SP' }, '01310200', '01310-200', '1310-200'],
  ['AU', { line1: '1 Macquarie St', city: 'Sydney', region: 'NSW' }, '2000', '2000', '200'],
  ['ES', { line1: 'Calle de Bailén, s/n', city: 'Madrid', region: 'Madrid' }, '28071', '28071', '53071'],
  ['IT', { line1: 'Piazza del Quirinale', city: 'Roma', region: 'RM' }, '00187', '00187', '0018'],
  ['NL', { line1: 'Dam 1', city: 'Amsterdam' }, '1012jl', '1012 JL', '1012 SS'],
  ['MX', { line1: 'Av. Juárez 100', city: 'Cuauhtémoc', region: 'CDMX' }, '06010', '06010', '6010'],
  ['ID', { line1: 'Jl. Medan Merdeka Utara', city: 'Jakarta Pusat', region: 'DKI Jakarta' }, '10110', '10110', '01011'],
  ['RU', { line1: 'ул. Тверская, 13', city: 'Москва', region: 'Москва' }, '125009', '125009', '12500'],
  ['TR', { line1: 'Atatürk Bulvarı 1', city: 'Ankara', region: 'Çankaya' }, '06 100', '06100', '99100'],
  ['SE', { line1: 'Drottninggatan 1', city: 'Stockholm' }, '11151', '111 51', '01151'],
  ['PL', { line1: 'ul. Marszałkowska 1', city: 'Warszawa' }, '00950', '00-950', '0095'],
  ['CH', { line1: 'Bahnhofstrasse 1', city: 'Zürich' }, '8001', '8001', '0800'],
  ['BE', { line1: 'Rue de la Loi 16', city: 'Bruxelles' }, '1000', '1000', '0999'],
  ['AT', { line1: 'Stephansplatz 1', city: 'Wien' }, '1010', '1010', '101'],
  ['IE', { line1: '1 Grafton Street', city: 'Dublin' }, 'd02x285', 'D02 X285', 'B02 X285'],
  ['SG', { line1: '1 Fullerton Road' }, '049213', '049213', '49213'],
];

describe('address rules per country', () => {
  it('covers the 20 largest e-commerce countries and more', () => {
    const codes = SUPPORTED_COUNTRIES.map((c) => c.code);
    for (const code of ['US', 'CN', 'GB', 'JP', 'DE', 'FR', 'KR', 'IN', 'CA', 'BR', 'AU', 'ES', 'IT', 'NL', 'MX', 'ID', 'RU', 'TR', 'SE', 'PL']) {
      expect(codes).toContain(code);
    }
    expect(countries.map(([code]) => code).sort()).toEqual([...codes].sort());
  });

  for (const [country, rest, typed, stored, wrong] of countries) {
    it(`${country}: accepts a real address, stores the postal code as ${stored}, refuses ${wrong}`, () => {
      const address = parsePostalAddress({ full_name: 'Alex Example', country: country.toLowerCase(), postal_code: typed, ...rest });
      expect(address.country).toBe(country);
      expect(address.postalCode).toBe(stored);
      expect(formatAddressLines(address).join('\n')).toContain(stored);
      expect(Object.keys(problems({ full_name: 'Alex Example', country, postal_code: wrong, ...rest }))).toEqual(['postal_code']);
    });
  }

  it('names the required fields the country needs', () => {
    expect(problems({ full_name: 'Ada', line1: '1 Main St', country: 'US' })).toEqual({
      city: 'Enter the city.',
      region: 'Choose the state.',
      postal_code: 'Enter the ZIP code.',
    });
    expect(problems({ full_name: 'Ada', line1: '1 High St', country: 'GB' })).toEqual({
      city: 'Enter the town or city.',
      postal_code: 'Enter the postcode.',
    });
    // Ireland's Eircode and China's postal code are optional; Singapore has no cities.
    expect(parsePostalAddress({ full_name: 'Ada', line1: '1 Grafton St', city: 'Dublin', country: 'IE' }).postalCode).toBeNull();
    expect(parsePostalAddress({ full_name: '李雷', line1: '1号', city: '朝阳区', region: '北京市', country: 'CN' }).postalCode).toBeNull();
    expect(parsePostalAddress({ full_name: 'Ada', line1: '1 Fullerton Rd', postal_code: '049213', country: 'SG' }).city).toBeNull();
  });

  it('finds a state or province by code or name, any case or accents, and stores its code', () => {
    const base = { full_name: 'Ada', line1: '1 Main St', city: 'Town' };
    const region = (country: string, region: string, postal_code: string) => parsePostalAddress({ ...base, country, region, postal_code }).region;
    expect(region('US', 'california', '94103')).toBe('CA');
    expect(region('US', 'District of Columbia', '20500')).toBe('DC');
    expect(region('US', 'pr', '00901')).toBe('PR');
    expect(region('CA', 'quebec', 'H2Y 1C6')).toBe('QC');
    expect(region('CA', 'Québec', 'H2Y 1C6')).toBe('QC');
    expect(region('AU', 'new south wales', '2000')).toBe('NSW');
    expect(region('BR', 'sao paulo', '01310-100')).toBe('SP');
    expect(region('MX', 'Ciudad de México', '06600')).toBe('CMX');
    expect(region('IN', 'maharashtra', '400001')).toBe('MH');
    expect(region('IN', 'Orissa', '751001')).toBe('OD');
    expect(problems({ ...base, country: 'US', region: 'Narnia', postal_code: '94103' })).toEqual({
      region: 'Choose a state from the list for United States.',
    });
    // Where the country has no short list, the region is kept as typed.
    expect(region('ES', 'Madrid', '28013')).toBe('Madrid');
  });

  it('refuses a country we do not support, naming it, and a code that is not a country', () => {
    expect(problems({ full_name: 'Ada', line1: '1 Main St', country: 'AQ' })).toEqual({
      country: 'Addresses in Antarctica are not supported yet. Choose a country from the list.',
    });
    expect(problems({ full_name: 'Ada', line1: '1 Main St', country: 'XX' }).country).toMatch(/two-letter ISO code/);
    expect(problems({ full_name: 'Ada', line1: '1 Main St', country: 'United States' }).country).toMatch(/two-letter ISO code/);
  });

  it('reads a phone number with the address country as its default and stores E.164', () => {
    const gb = { full_name: 'Ada', line1: '1 High St', city: 'London', postal_code: 'SW1A 1AA', country: 'GB' };
    expect(parsePostalAddress({ ...gb, phone: '020 7946 0018' }).phone).toBe('+442079460018');
    expect(parsePostalAddress({ ...gb, phone: '+1 415 555 0132' }).phone).toBe('+14155550132');
    expect(Object.keys(problems({ ...gb, phone: '12' }))).toEqual(['phone']);
  });
});

describe('address text', () => {
  const valid = { full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postal_code: '94103', country: 'US' };

  it('trims, folds runs of spaces, NFC-normalises and turns empty optional fields into null', () => {
    const address = parsePostalAddress({ ...valid, full_name: '  Zoe\u0308   Smith ', line2: '   ', phone: '' });
    expect(address.fullName).toBe('Zoë Smith');
    expect(address.fullName).toBe('Zoë Smith'.normalize('NFC'));
    expect(address.line2).toBeNull();
    expect(address.phone).toBeNull();
  });

  it('refuses control, bidi-override and zero-width characters, emoji, non-text and over-long values, each by field', () => {
    expect(problems({ ...valid, full_name: 'Ada\u0000' }).full_name).toMatch(/invisible or control/);
    expect(problems({ ...valid, line1: '1 Market St\r\nBcc: x' }).line1).toMatch(/invisible or control/);
    expect(problems({ ...valid, line1: 'gnp.exe\u202Etxt' }).line1).toMatch(/invisible or control/);
    expect(problems({ ...valid, city: 'San\u200BFrancisco' }).city).toMatch(/invisible or control/);
    expect(problems({ ...valid, full_name: 'Ada 🦄' }).full_name).toMatch(/emoji/);
    expect(problems({ ...valid, line2: ['Apt 1'] }).line2).toBe('Address line 2 must be text.');
    expect(problems({ ...valid, postal_code: 94103 }).postal_code).toBe('The postal code must be text.');
    expect(problems({ ...valid, city: { $ne: '' } }).city).toBe('The town or city must be text.');
    expect(problems({ ...valid, line1: 'x'.repeat(101) }).line1).toBe('Address line 1 can be at most 100 characters.');
    expect(problems({ ...valid, line1: 'x'.repeat(1_000_000) }).line1).toBe('Address line 1 can be at most 100 characters.');
    // Scripts other than Latin are addresses like any other.
    expect(parsePostalAddress({ ...valid, full_name: 'محمد علي', line2: 'דירה 4' }).fullName).toBe('محمد علي');
  });

  it('refuses unknown fields and names every problem under the prefix a larger body uses', () => {
    expect(problems({ ...valid, account_id: 'x', is_default_shipping: 1 }, 'shipping_address.')).toEqual({
      'shipping_address.account_id': 'This field is not part of an address.',
      'shipping_address.is_default_shipping': 'This field is not part of an address.',
    });
    expect(problems({ country: 'US' }, 'billing_address.')).toEqual({
      'billing_address.full_name': 'Enter the name of the person who receives the post.',
      'billing_address.line1': 'Enter the street address or PO box.',
      'billing_address.city': 'Enter the city.',
      'billing_address.region': 'Choose the state.',
      'billing_address.postal_code': 'Enter the ZIP code.',
    });
    expect(problems('1 Market St', 'shipping_address.')).toEqual({ shipping_address: 'Enter an address.' });
    expect(problems([valid])).toEqual({ address: 'Enter an address.' });
    expect(Object.keys(problems(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, 1]))))).toHaveLength(5 + 3);
  });
});

describe('address snapshots and display', () => {
  const address = (a: Partial<PostalAddress> & Pick<PostalAddress, 'country'>): PostalAddress => ({
    fullName: 'Ada Lovelace', line1: '1 Market St', line2: null, city: null, region: null, postalCode: null, phone: null, ...a,
  });

  it('round-trips through the JSON kept in orders and cards, with snake_case keys', () => {
    const a = address({ country: 'US', line2: 'Suite 5', city: 'San Francisco', region: 'CA', postalCode: '94103', phone: '+14155550132' });
    const json = toAddressJson(a);
    expect(JSON.parse(json)).toEqual({
      full_name: 'Ada Lovelace', line1: '1 Market St', line2: 'Suite 5', city: 'San Francisco', region: 'CA', postal_code: '94103', country: 'US', phone: '+14155550132',
    });
    expect(fromAddressJson(json)).toEqual(a);
    // A damaged snapshot is a placeholder, never an exception that would take a whole list down.
    for (const damaged of ['{"full_name": 1}', '[]', 'not json', '{"full_name": "Ada", "line1": "1 Market St"}', 'null']) {
      expect(readAddressSnapshot(damaged), damaged).toBeNull();
      expect(fromAddressJson(damaged), damaged).toBe(UNREADABLE_ADDRESS);
    }
  });

  it("lays the lines out in the country's customary order", () => {
    expect(formatAddressLines(address({ country: 'US', city: 'San Francisco', region: 'CA', postalCode: '94103' }))).toEqual([
      'Ada Lovelace', '1 Market St', 'San Francisco, CA 94103', 'United States',
    ]);
    expect(formatAddressLines(address({ country: 'GB', line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA' }))).toEqual([
      'Ada Lovelace', '10 Downing Street', 'London', 'SW1A 2AA', 'United Kingdom',
    ]);
    expect(formatAddressLines(address({ country: 'JP', fullName: '山田太郎', line1: '丸の内1-1', city: '千代田区', region: '東京都', postalCode: '100-0005' }))).toEqual([
      '100-0005', '東京都千代田区', '丸の内1-1', '山田太郎', 'Japan',
    ]);
    expect(formatAddressLines(address({ country: 'KR', line1: '209 Sejong-daero', city: 'Jongno-gu', region: 'Seoul', postalCode: '03171' }))[0]).toBe('03171');
    expect(formatAddressLines(address({ country: 'DE', city: 'Berlin', postalCode: '10117' }))).toContain('10117 Berlin');
    expect(formatAddressLines(address({ country: 'BR', city: 'São Paulo', region: 'SP', postalCode: '01310-200' }))).toContain('São Paulo-SP');
    // A missing part takes its separator with it.
    expect(formatAddressLines(address({ country: 'US', city: 'San Francisco', postalCode: '94103' }))).toContain('San Francisco 94103');
  });
});
