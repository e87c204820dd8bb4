/**
 * Where a customer may be sent back to when a journey ends (`return_to`): a page of this service, or a page on
 * one of the shop's own sites (RETURN_URL_ORIGINS). Anything else is no destination at all, and the journey ends
 * where it always does — an open redirect would let a phishing mail borrow this service's address (ASVS 5.1.5,
 * SECURITY.md "redirect targets").
 *
 * - A path: exactly one leading "/" (never "//", which a browser reads as another host), no backslash (browsers
 *   read "/\evil" as "//evil"), no control character or whitespace (stripped by URL parsers, so "/\t/evil"
 *   would become "//evil"), and still on this origin once parsed against PUBLIC_URL.
 * - An absolute URL whose parsed origin is exactly a configured one (compared whole, never as a prefix, so
 *   "https://shop.example.evil.example" and "https://shop.example@evil.example" are not it), without a user name.
 * The answer is the parsed, normalised form, which is what the browser is sent to (checked again after
 * normalising: "/..//evil.example" folds into "//evil.example").
 */
export const RETURN_TO_MAX = 1000;

export interface ReturnToRules {
  publicUrl: string;
  returnUrlOrigins: readonly string[];
}

export function safeReturnTo(value: unknown, rules: ReturnToRules): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > RETURN_TO_MAX) return undefined;
  // Every C0/C1 control character, DEL, any Unicode space or line separator, and the backslash.
  if (/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff\\]/.test(value)) return undefined;
  if (value.startsWith('/')) return value.startsWith('//') ? undefined : ownPath(value, rules.publicUrl);
  return trustedUrl(value, rules.returnUrlOrigins);
}

function ownPath(value: string, publicUrl: string): string | undefined {
  const own = new URL(publicUrl);
  const url = parse(value, own.href);
  if (!url || url.origin !== own.origin) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can fold into "//": "/..//evil.example" parses to the path "//evil.example", another host.
  return path.startsWith('//') ? undefined : path;
}

function trustedUrl(value: string, origins: readonly string[]): string | undefined {
  const url = parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return origins.includes(url.origin) ? url.href : undefined;
}

function parse(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** A query string carrying `return_to`, for links and redirects that pass it on; empty when there is none. */
export function returnToQuery(returnTo: string | undefined, separator: '?' | '&' = '?'): string {
  return returnTo ? `${separator}return_to=${encodeURIComponent(returnTo)}` : '';
}
