import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { Reader, type Response } from 'mmdb-lib';

/**
 * Approximate place of an IP address, offline: the country from the public-domain (CC0) geo-whois-asn-country
 * database shipped on npm, read with mmdb-lib. Loopback and private ranges are the customer's local network.
 * City-level databases on npm carry attribution or share-alike licences, so the place stops at the country.
 */
// This database's records are flat ({ country_code }), not MaxMind's nested shape.
type CountryRecord = Response & { country_code?: string };

let reader: Reader<CountryRecord> | undefined;
const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

function database(): Reader<CountryRecord> {
  if (!reader) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
    reader = new Reader<CountryRecord>(readFileSync(file));
  }
  return reader;
}

export function describePlace(ip: string): string {
  if (isLocalAddress(ip)) return 'Local network';
  const code = countryCode(ip);
  if (!code) return 'Unknown location';
  return countryNames.of(code) ?? code;
}

export function countryCode(ip: string): string | undefined {
  const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!isIP(address)) return undefined;
  try {
    return database().get(address)?.country_code;
  } catch {
    return undefined;
  }
}

export function isLocalAddress(ip: string): boolean {
  const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const version = isIP(address);
  if (version === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (version === 6) {
    const lower = address.toLowerCase();
    return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
  }
  return false;
}
