import { afterEach, describe, expect, it } from 'vitest';
import { randomDigits } from '../../src/platform/crypto.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { codeDeps, issueCode } from '../../src/verification/codes.js';
import { HOUR } from '../../src/platform/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seededRandom } from '../helpers/random.js';

/**
 * ASVS 6.3.2: codes and tokens come from a CSPRNG. Randomness is injected like the clock; the app draws from the
 * operating system's generator unless a test hands it another source.
 */
describe('the random source', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('ASVS 6.3.2: the app draws from the CSPRNG unless a test passes another source', async () => {
    t = await createTestApp();
    expect(t.app.deps.random).toBe(cryptoRandom);
  });

  it('ASVS 6.3.2: the CSPRNG source gives bytes that never repeat and integers uniform over their range', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => cryptoRandom.bytes(16).toString('hex')));
    expect(tokens.size).toBe(1000);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[cryptoRandom.int(7)]!++;
    // 10,000 expected each (σ ≈ 93): a value out of range, stuck or missing falls far outside this band.
    expect(counts.every((n) => n > 9_500 && n < 10_500)).toBe(true);
  });

  it("a verification code is drawn from the app's source", async () => {
    const random = seededRandom('codes come from deps.random');
    t = await createTestApp({}, { random });
    expect(t.app.deps.random).toBe(random);
    const issued = await issueCode(codeDeps(t.app.deps), { purpose: 'email_change', channel: 'email', target: 'ada@example.com', ttlMs: HOUR });
    expect(issued.code).toBe(randomDigits(seededRandom('codes come from deps.random'), 6));
  });

  it('a seeded source repeats itself for one seed and differs between seeds', () => {
    const draw = (seed: string) => {
      const random = seededRandom(seed);
      return [random.bytes(40).toString('hex'), random.int(10), random.int(1_000_000)];
    };
    expect(draw('one')).toEqual(draw('one'));
    expect(draw('one')).not.toEqual(draw('two'));
    const random = seededRandom('range');
    expect(Array.from({ length: 1000 }, () => random.int(3)).every((n) => n >= 0 && n < 3)).toBe(true);
  });
});
