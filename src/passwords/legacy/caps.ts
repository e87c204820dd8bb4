/**
 * The most a legacy hash may cost at sign-in. Each sign-in computes the old hash of what was typed before the
 * argon2id check, inside the same hash slot (hash-limiter.ts), so these bound the extra CPU and memory one
 * sign-in can take. Anything above is refused at import with a reason, never stored. Even within them the old
 * hash is not free: at the caps bcrypt 13, scrypt 2^17 and argon2 256 MiB add about a second, PBKDF2 at 1,000,000
 * about a quarter (README "Password formats"), so such an account is slower to sign in to — and so can be told
 * apart by timing — until its first sign-in stores a plain argon2id.
 */
export const LEGACY_CAPS = {
  bcryptCost: 13,
  pbkdf2Iterations: 1_000_000,
  /** N ≤ 2^17. */
  scryptLog2N: 17,
  scryptR: 32,
  scryptP: 16,
  /** N·r·p: the work of one scrypt. p multiplies it without using more memory, so memory alone cannot bound it. */
  scryptWork: 2 ** 21,
  /** Bytes; covers scrypt (128·N·r) and argon2 (m KiB). */
  memoryBytes: 256 * 1024 * 1024,
  argon2TimeCost: 10,
  argon2Parallelism: 8,
  /** phpass: 2^16 MD5 rounds (WordPress writes 2^13, phpBB 2^11). */
  phpassLog2: 16,
  /** Magento 2 chains (`0:1:2`): versions re-hashed one over the other. */
  magentoChain: 4,
  hashLength: 1024,
} as const;

/** Standard base 64 with or without padding, or passlib's variant with '.' for '+'; null when it is neither. */
export function decodeBase64(text: string, { dotForPlus = false } = {}): Buffer | null {
  const normal = dotForPlus ? text.replace(/\./g, '+') : text;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normal) || normal.replace(/=+$/, '').length % 4 === 1) return null;
  return Buffer.from(normal, 'base64');
}

export type Field = 'password_hash' | 'password_format' | 'password_params';
export type Refusal = { ok: false; field: Field; reason: string };

export function refuse(field: Field, reason: string): Refusal {
  return { ok: false, field, reason };
}
