import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseReturnUrlOrigins } from '../../src/config.js';
import { RETURN_TO_MAX, safeReturnTo } from '../../src/platform/web/return-to.js';
import { HOSTILE_RETURN_TOS } from './hostile-return-tos.js';

const RULES = { publicUrl: 'https://accounts.shop.example', returnUrlOrigins: ['https://shop.example', 'http://localhost:3001'] };

describe('SECURITY.md redirect targets: safeReturnTo takes a page here or on RETURN_URL_ORIGINS (origin by exact match), nothing else (ASVS 5.1.5)', () => {
  it.each(HOSTILE_RETURN_TOS)('ignores %j', (value) => {
    expect(safeReturnTo(value, RULES)).toBeUndefined();
  });

  it('ignores what is not text', () => {
    for (const value of [undefined, null, 42, ['/account'], { path: '/account' }]) expect(safeReturnTo(value, RULES)).toBeUndefined();
  });

  it('accepts a path on this service, normalised, query and fragment kept', () => {
    expect(safeReturnTo('/account/orders?page=2', RULES)).toBe('/account/orders?page=2');
    expect(safeReturnTo('/pay/cs_123#summary', RULES)).toBe('/pay/cs_123#summary');
    expect(safeReturnTo('/partner-signin/abc', RULES)).toBe('/partner-signin/abc');
    expect(safeReturnTo('/a/../account', RULES)).toBe('/account');
    expect(safeReturnTo(`/${'a'.repeat(RETURN_TO_MAX - 1)}`, RULES)).toBe(`/${'a'.repeat(RETURN_TO_MAX - 1)}`);
  });

  it('percent-encoded slashes and backslashes stay encoded: still a path on this origin, never another host', () => {
    for (const value of ['/%2F%2Fevil.example', '/%5Cevil.example', '/%09/evil.example']) {
      const kept = safeReturnTo(value, RULES)!;
      expect(kept).toBe(value);
      expect(new URL(kept, RULES.publicUrl).origin).toBe(RULES.publicUrl);
    }
  });

  it('accepts a trusted origin compared whole: host case does not matter (hosts are case-insensitive), the default port is the same origin', () => {
    expect(safeReturnTo('https://shop.example/cart?step=pay', RULES)).toBe('https://shop.example/cart?step=pay');
    expect(safeReturnTo('https://SHOP.example/cart', RULES)).toBe('https://shop.example/cart');
    expect(safeReturnTo('HTTPS://shop.example/', RULES)).toBe('https://shop.example/');
    expect(safeReturnTo('https://shop.example:443/cart', RULES)).toBe('https://shop.example/cart');
    expect(safeReturnTo('http://localhost:3001/checkout', RULES)).toBe('http://localhost:3001/checkout');
    expect(safeReturnTo('http://localhost:3002/checkout', RULES)).toBeUndefined();
  });

  it('with no RETURN_URL_ORIGINS, no absolute URL is a destination', () => {
    expect(safeReturnTo('https://shop.example/cart', { ...RULES, returnUrlOrigins: [] })).toBeUndefined();
  });
});

describe('RETURN_URL_ORIGINS', () => {
  it('reads comma-separated origins, normalised and deduplicated', () => {
    expect(parseReturnUrlOrigins(' https://shop.example , https://SHOP.example/,https://shop.example:8443, http://127.0.0.1:4000,http://localhost:3001 ')).toEqual([
      'https://shop.example',
      'https://shop.example:8443',
      'http://127.0.0.1:4000',
      'http://localhost:3001',
    ]);
    expect(loadConfig({ NODE_ENV: 'test' }).returnUrlOrigins).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'test', RETURN_URL_ORIGINS: 'https://shop.example' }).returnUrlOrigins).toEqual(['https://shop.example']);
  });

  it.each([
    ['https://shop.example/checkout', 'no path'],
    ['https://shop.example?x=1', 'no path'],
    ['https://shop.example#top', 'no path'],
    ['https://user@shop.example', 'no path'],
    ['shop.example', 'origin only'],
    ['http://shop.example', 'must use https'],
    ['ftp://shop.example', 'must start with https://'],
    ['https://', 'origin only'],
    ['https://shop .example', 'origin only'],
    ['https://shop.example\\evil', 'origin only'],
  ])('refuses to start with %j, naming it', (entry, why) => {
    const attempt = () => loadConfig({ NODE_ENV: 'test', RETURN_URL_ORIGINS: `https://fine.example,${entry}` });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`RETURN_URL_ORIGINS: "${entry}"`);
    expect(attempt).toThrow(why);
  });
});
