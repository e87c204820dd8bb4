import { describe, expect, it } from 'vitest';
import { isProblem, parseEmail, parseIdentifier, parsePhone } from '../../src/accounts/identifiers.js';

describe('parseEmail', () => {
  it('trims, keeps what was typed as the value and lower-cases the lookup form', () => {
    expect(parseEmail('  Ada@Example.COM ')).toEqual({ kind: 'email', value: 'Ada@Example.COM', normalized: 'ada@example.com' });
  });

  it('accepts ordinary addresses with plus, dots and subdomains', () => {
    for (const email of ['a.b+tag@mail.example.co.uk', 'x_y-z@example.io', "o'brien@example.ie"]) {
      expect(isProblem(parseEmail(email)), email).toBe(false);
    }
  });

  it('refuses what is not an address', () => {
    for (const email of ['', ' ', 'ada', 'ada@', '@example.com', 'ada@example', 'ada@@example.com', 'ada example@example.com', 'ada@example..com', '.ada@example.com', 'ada@-example.com', 'ada\n@example.com', 'ada@example.com\u0000', '"ada"@example.com<script>']) {
      expect(parseEmail(email), JSON.stringify(email)).toBe('email_invalid');
    }
  });

  it('refuses anything longer than 254 characters as too long, before any pattern runs', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(186)}.com`;
    expect(long.length).toBe(255);
    expect(parseEmail(long)).toBe('too_long');
    expect(parseEmail('x'.repeat(100_000))).toBe('too_long');
  });

  it('accepts an internationalised address, and its NFC and NFD forms make the same lookup', () => {
    const nfc = parseEmail('zoë@example.com');
    const nfd = parseEmail('zoë@example.com'.normalize('NFD'));
    expect(isProblem(nfc)).toBe(false);
    expect(nfd).toEqual(nfc);
    expect(isProblem(parseEmail('info@bücher.de'))).toBe(false);
  });
});

describe('parsePhone', () => {
  it('parses national and international forms to E.164, with a readable value', () => {
    expect(parsePhone('(415) 555-0132', 'US')).toEqual({ kind: 'phone', value: '+1 415 555 0132', normalized: '+14155550132' });
    expect(parsePhone('+1 415.555.0132', 'US')).toMatchObject({ normalized: '+14155550132' });
    expect(parsePhone('+44 20 7946 0958', 'US')).toMatchObject({ normalized: '+442079460958' });
    expect(parsePhone('020 7946 0958', 'GB')).toMatchObject({ normalized: '+442079460958' });
  });

  it('normalises full-width digits (NFKC) before parsing', () => {
    expect(parsePhone('＋１ ４１５ ５５５ ０１３２', 'US')).toMatchObject({ normalized: '+14155550132' });
  });

  it('refuses letters, extensions, invalid numbers and over-long input', () => {
    for (const phone of ['call me', '415-CALL-NOW', '+1 415 555 0132 ext 9', '+1 555 555 0100', '12', '+', '', '+99 123 456', '+1 415 555 0132; DROP TABLE']) {
      expect(parsePhone(phone, 'US'), phone).toBe('phone_invalid');
    }
    expect(parsePhone('1'.repeat(41), 'US')).toBe('too_long');
  });
});

describe('parseIdentifier', () => {
  it('an @ means an email, anything else a phone number', () => {
    expect(parseIdentifier('ada@example.com', 'US')).toMatchObject({ kind: 'email' });
    expect(parseIdentifier('+1 415 555 0132', 'US')).toMatchObject({ kind: 'phone', normalized: '+14155550132' });
    expect(parseIdentifier('ada', 'US')).toBe('phone_invalid');
    expect(parseIdentifier('ada@', 'US')).toBe('email_invalid');
  });
});
