import { Algorithm, hash, verify } from '@node-rs/argon2';
import { withHashSlot } from './hash-limiter.js';
import { isWrapped, verifyWrapped } from './legacy/wrapped.js';

/**
 * argon2id at OWASP's first recommended setting (m=19 MiB, t=2, p=1; CS Password Storage). The PHC string
 * stores its own parameters and salt, so raising these later upgrades old hashes at the next sign-in.
 */
export const ARGON2_PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => hash(password, ARGON2_PARAMS));
}

/** A wrapped legacy hash (legacy/wrapped.ts) computes the old hash of what was typed first, in the same slot. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    if (isWrapped(stored)) return await withHashSlot(() => verifyWrapped(stored, password));
    return await withHashSlot(() => verify(stored, password));
  } catch {
    return false;
  }
}

/** True when the stored hash was made with weaker (or different) parameters than today's, or is a wrapped legacy hash. */
export function needsRehash(stored: string): boolean {
  if (isWrapped(stored)) return true;
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!match) return true;
  const [, m, t, p] = match.map(Number);
  return m !== ARGON2_PARAMS.memoryCost || t !== ARGON2_PARAMS.timeCost || p !== ARGON2_PARAMS.parallelism;
}

let dummyHash: Promise<string> | undefined;

/**
 * Unknown identifiers still cost one full verify against a real hash at the same parameters, so a wrong
 * email and a wrong password take the same time (ASVS 6.3.8; better-auth sign-in.ts makes the same choice).
 */
export async function burnVerifyTime(password: string): Promise<void> {
  dummyHash ??= hash('custos-timing-equaliser', ARGON2_PARAMS);
  await verifyPassword(await dummyHash, password);
}
