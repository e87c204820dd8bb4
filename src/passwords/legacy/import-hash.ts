import { hashPassword } from '../hashing.js';
import { LEGACY_CAPS, refuse, type Field } from './caps.js';
import { parseFirebaseScrypt, parseMagento2, parseSaltedSha, unknownKeys, type Params } from './parse-named.js';
import { parsePrefixed, type Parsed } from './parse-prefixed.js';
import { encodeWrapped } from './wrapped.js';

/**
 * A password hash brought from another platform, made ready to store. Weak hashes must not rest in the database:
 * each legacy hash is wrapped in argon2id (OWASP Password Storage Cheat Sheet, "upgrading legacy hashes"), and at
 * sign-in the legacy hash of what was typed is computed, the wrap verified, and a plain argon2id stored instead
 * (passwords/hashing.ts). Cost parameters above what a sign-in can afford are refused with a reason.
 */
export interface ImportedHashInput {
  /** The hash as the source platform exported it; empty or absent when the platform exports none. */
  hash: string | null | undefined;
  /** `auto` (self-describing prefixes) or the name of a format whose hash carries no prefix. */
  format: string | null | undefined;
  /** What a prefix-less format needs: salt, its position, a signer key. */
  params: Record<string, unknown> | null | undefined;
}

export type ImportedHash =
  | { ok: true; /** What goes in accounts.password_hash; null when the source exported no hash. */ stored: string | null }
  | { ok: false; field: Field; reason: string };

/**
 * The names password_format accepts. `auto` reads the hash's own prefix: bcrypt ($2a$/$2b$/$2y$), WordPress 6.8
 * ($wp$2y$), phpass ($P$/$H$), argon2id/argon2i, $scrypt$, $pbkdf2[-sha256|-sha512]$ and Django pbkdf2_sha256$.
 * The others name hashes with no prefix; README "Password formats" lists their params.
 */
export const PASSWORD_FORMATS = ['auto', 'magento2', 'sha256-salted', 'sha1-salted', 'firebase-scrypt'] as const;
export type PasswordFormat = (typeof PASSWORD_FORMATS)[number];

export async function prepareImportedHash(input: ImportedHashInput): Promise<ImportedHash> {
  const { hash } = input;
  const format = input.format ?? 'auto';
  if (typeof format !== 'string' || !(PASSWORD_FORMATS as readonly string[]).includes(format)) {
    return refuse('password_format', `Unknown password format ${JSON.stringify(String(format)).slice(0, 60)}; use one of ${PASSWORD_FORMATS.join(', ')}.`);
  }
  const params = input.params ?? {};
  if (typeof params !== 'object' || Array.isArray(params)) return refuse('password_params', 'password_params must be an object.');
  if (hash === null || hash === undefined || hash === '') {
    if (Object.keys(params).length) return refuse('password_params', 'password_params was given without a password_hash.');
    return { ok: true, stored: null };
  }
  if (typeof hash !== 'string') return refuse('password_hash', 'password_hash must be a string.');
  if (hash.length > LEGACY_CAPS.hashLength) return refuse('password_hash', `password_hash is longer than ${LEGACY_CAPS.hashLength} characters.`);
  if (hash !== hash.trim()) return refuse('password_hash', 'password_hash has spaces or line breaks around it.');
  const parsed = parse(hash, format as PasswordFormat, params);
  if (!parsed.ok) return parsed;
  if ('asIs' in parsed) return { ok: true, stored: parsed.asIs };
  // Nothing is computed from a password here (there is none): the old digest itself is hashed with argon2id.
  return { ok: true, stored: encodeWrapped(parsed.recipe, await hashPassword(parsed.digest)) };
}

function parse(hash: string, format: PasswordFormat, params: Params): Parsed {
  switch (format) {
    case 'auto':
      return unknownKeys(params, [], 'a hash read with password_format "auto"') ?? parsePrefixed(hash);
    case 'magento2':
      return parseMagento2(hash, params);
    case 'sha256-salted':
    case 'sha1-salted':
      return parseSaltedSha(hash, params, format);
    case 'firebase-scrypt':
      return parseFirebaseScrypt(hash, params);
  }
}
