import { createHash } from 'node:crypto';
import type { Random } from '../../src/platform/random.js';

/**
 * A repeatable stand-in for the CSPRNG: the same seed gives the same codes and tokens in the same order, so a
 * test that needs two codes to differ knows they do, every run, where real draws collide one time in a million.
 * Never in src/: a predictable source has no business in a build that could be deployed.
 */
export function seededRandom(seed: string): Random {
  let block = 0;
  let pool = Buffer.alloc(0);
  const bytes = (n: number): Buffer => {
    while (pool.length < n) pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${block++}`).digest()]);
    const drawn = Buffer.from(pool.subarray(0, n));
    pool = pool.subarray(n);
    return drawn;
  };
  return {
    bytes,
    int: (max) => {
      // Rejection sampling keeps every value equally likely, as crypto.randomInt does.
      const limit = Math.floor(2 ** 32 / max) * max;
      for (;;) {
        const value = bytes(4).readUInt32BE(0);
        if (value < limit) return value % max;
      }
    },
  };
}
