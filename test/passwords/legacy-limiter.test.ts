import { describe, expect, it, vi } from 'vitest';
import { HASH_CONCURRENCY, withHashSlot } from '../../src/passwords/hash-limiter.js';
import { verifyPassword } from '../../src/passwords/hashing.js';
import { prepareImportedHash } from '../../src/passwords/legacy/import-hash.js';
import { LEGACY_HASH_VECTORS } from '../helpers/legacy-hash-vectors.js';

const digests = vi.hoisted(() => ({ computed: 0 }));
vi.mock('../../src/passwords/legacy/recipes.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/passwords/legacy/recipes.js')>();
  return { ...original, legacyDigest: (...args: Parameters<typeof original.legacyDigest>) => (digests.computed++, original.legacyDigest(...args)) };
});

/**
 * The old hash of what was typed is computed inside a hash slot (hash-limiter.ts), like argon2: a burst of
 * sign-ins on imported accounts queues behind the limit instead of putting PBKDF2 or scrypt on every core.
 */
describe('legacy hashes and the hash limiter', () => {
  it('a wrapped hash computes nothing while every hash slot is taken, and verifies once one frees', async () => {
    const vector = LEGACY_HASH_VECTORS.find((v) => v.name === 'phpass-wordpress')!;
    const prepared = await prepareImportedHash({ hash: vector.hash, format: vector.format, params: vector.params });
    if (!prepared.ok) throw new Error(prepared.reason);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: HASH_CONCURRENCY }, () => withHashSlot(() => held));
    digests.computed = 0;
    const verifying = verifyPassword(prepared.stored!, vector.password);
    for (let tick = 0; tick < 20; tick++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(digests.computed).toBe(0);

    release();
    await Promise.all(holders);
    expect(await verifying).toBe(true);
    expect(digests.computed).toBe(1);
  });
});
