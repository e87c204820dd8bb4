import { createHash, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { needsRehash, verifyPassword } from '../../src/passwords/hashing.js';
import { prepareImportedHash } from '../../src/passwords/legacy/import-hash.js';
import { decodeWrapped } from '../../src/passwords/legacy/wrapped.js';
import { LEGACY_HASH_VECTORS, type LegacyHashVector } from '../helpers/legacy-hash-vectors.js';

/**
 * Every legacy format against vectors the source platforms publish: import wraps the old hash, the right password
 * verifies through the wrap, a wrong one does not, and the wrap never holds the old digest (OWASP Password
 * Storage Cheat Sheet, "upgrading legacy hashes").
 */
async function importVector(vector: Pick<LegacyHashVector, 'hash' | 'format' | 'params'>): Promise<string> {
  const prepared = await prepareImportedHash({ hash: vector.hash, format: vector.format, params: vector.params });
  if (!prepared.ok) throw new Error(`refused: ${prepared.field}: ${prepared.reason}`);
  return prepared.stored!;
}

/** The old digest in every spelling it could be stored in: as exported, hex, base 64. */
function digestSpellings(hash: string): string[] {
  const parts = [hash.split('$').pop()!, hash.split(':')[0]!, hash].filter((p) => p.length >= 16);
  const spellings = new Set<string>();
  for (const part of parts) {
    spellings.add(part);
    if (/^[0-9a-f]+$/i.test(part)) spellings.add(Buffer.from(part, 'hex').toString('base64').replace(/=+$/, ''));
    else {
      const bytes = Buffer.from(part.replace(/\./g, '+'), 'base64');
      spellings.add(bytes.toString('hex'));
      spellings.add(bytes.toString('base64url').replace(/=+$/, ''));
    }
  }
  return [...spellings].filter((s) => s.length >= 16);
}

describe('legacy password hashes: published vectors', () => {
  for (const vector of LEGACY_HASH_VECTORS) {
    it(`${vector.name}: imports, verifies the right password through the wrap and refuses a wrong one`, async () => {
      const stored = await importVector(vector);
      expect(await verifyPassword(stored, vector.password)).toBe(true);
      // Changed at the front: bcrypt ignores what comes after the 72nd byte (tested below).
      expect(await verifyPassword(stored, `x${vector.password}`)).toBe(false);
      expect(await verifyPassword(stored, vector.password.slice(1))).toBe(false);
      if (vector.hash.startsWith('$argon2')) {
        expect(stored).toBe(vector.hash);
        return;
      }
      expect(stored.startsWith('$custos-legacy$')).toBe(true);
      expect(needsRehash(stored)).toBe(true);
    });

    if (!vector.hash.startsWith('$argon2')) {
      it(`${vector.name}: the wrapped hash does not contain the legacy digest`, async () => {
        const stored = await importVector(vector);
        const readable = `${stored} ${JSON.stringify(decodeWrapped(stored)!.recipe)}`;
        for (const spelling of digestSpellings(vector.hash)) expect(readable).not.toContain(spelling);
      });
    }
  }

  it('argon2i is stored as it is and upgraded at the next sign-in', async () => {
    const vector = LEGACY_HASH_VECTORS.find((v) => v.name === 'argon2i-phc')!;
    expect(needsRehash(await importVector(vector))).toBe(true);
  });

  it('bcrypt: bytes after the 72nd are ignored, as PHP ignored them; the 72nd is not', async () => {
    const vector = LEGACY_HASH_VECTORS.find((v) => v.name === 'bcrypt-72-bytes')!;
    const stored = await importVector(vector);
    expect(await verifyPassword(stored, `${vector.password.slice(0, 72)}anything else`)).toBe(true);
    expect(await verifyPassword(stored, `${vector.password.slice(0, 71)}X`)).toBe(false);
  });

  it('Magento 2: version 2 (argon2id13 at libsodium interactive limits) reads like 3_32_2_67108864', async () => {
    const vector = LEGACY_HASH_VECTORS.find((v) => v.name === 'magento2-argon2id13')!;
    const stored = await importVector({ ...vector, hash: vector.hash.replace(/3_32_2_67108864$/, '2') });
    expect(await verifyPassword(stored, vector.password)).toBe(true);
  });

  it('Magento 2: a chained 0:1 hash is sha256(salt ‖ md5(salt ‖ password)), as the hash upgrade wrote it', async () => {
    const salt = 'HOiS51whl8VzfvZvGfw5AKa8gn7c3bEZ';
    const md5 = createHash('md5').update(salt + 'shopware').digest('hex');
    expect(`${md5}:${salt}:0`).toBe(LEGACY_HASH_VECTORS.find((v) => v.name === 'magento2-md5')!.hash);
    const chained = createHash('sha256').update(salt + md5).digest('hex');
    const stored = await importVector({ hash: `${chained}:${salt}:0:1`, format: 'magento2', params: {} });
    expect(await verifyPassword(stored, 'shopware')).toBe(true);
    expect(await verifyPassword(stored, 'shopware1')).toBe(false);
  });

  it('salted SHA-256 with the salt as suffix, and hex or base 64 digests (FIPS 180-2 two-block message)', async () => {
    const [password, salt] = ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmno', 'mnopnopq'];
    const hex = '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1';
    for (const [hash, encoding] of [[hex, 'hex'], [hex.toUpperCase(), 'hex'], [Buffer.from(hex, 'hex').toString('base64'), 'base64']]) {
      const stored = await importVector({ hash: hash!, format: 'sha256-salted', params: { salt, salt_position: 'suffix', encoding } });
      expect(await verifyPassword(stored, password)).toBe(true);
      expect(await verifyPassword(stored, password + salt)).toBe(false);
    }
  });

  it('PBKDF2 in the PHC i=…,l=… form with standard base 64 reads like passlib\'s form', async () => {
    const salt = Buffer.from('saltSALTsaltSALT');
    const key = pbkdf2Sync('pbkdf2 password', salt, 1000, 32, 'sha256');
    const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
    const stored = await importVector({ hash: `$pbkdf2-sha256$i=1000,l=32$${b64(salt)}$${b64(key)}`, format: 'auto', params: {} });
    expect(await verifyPassword(stored, 'pbkdf2 password')).toBe(true);
    expect(await verifyPassword(stored, 'pbkdf2 passwore')).toBe(false);
  });

  it('a tampered wrap verifies nothing rather than throwing', async () => {
    const stored = await importVector(LEGACY_HASH_VECTORS.find((v) => v.name === 'phpass-p')!);
    const [head, , ...rest] = stored.slice(1).split('$');
    expect(await verifyPassword(`$${head}$phpass$bm90IGpzb24$${rest.slice(1).join('$')}`, 'test12345')).toBe(false);
    expect(await verifyPassword('$custos-legacy$phpass$$', 'test12345')).toBe(false);
  });
});
