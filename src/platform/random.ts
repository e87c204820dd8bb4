import { randomBytes, randomInt } from 'node:crypto';

/**
 * Randomness is injected like the clock: every code, token and reference the service hands out is drawn from the
 * `Random` in Deps, so a test can pass a seeded source and know two codes differ instead of hoping they do.
 * Production uses `cryptoRandom`, the operating system's CSPRNG (ASVS 6.3.2). Internal ids and encryption IVs
 * don't come from here (platform/crypto.ts, secret-box.ts): they must never repeat across processes sharing one
 * database or key, which no test's source could promise.
 */
export interface Random {
  /** `n` random bytes. */
  bytes(n: number): Buffer;
  /** An integer drawn uniformly from [0, max). */
  int(max: number): number;
}

export const cryptoRandom: Random = {
  bytes: (n) => randomBytes(n),
  int: (max) => randomInt(max),
};
