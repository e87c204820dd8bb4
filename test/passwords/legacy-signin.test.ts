import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARGON2_PARAMS } from '../../src/passwords/hashing.js';
import { prepareImportedHash } from '../../src/passwords/legacy/import-hash.js';
import { createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signinAtPassword, signUpFrom, submitPassword } from '../helpers/fixtures.js';
import { LEGACY_HASH_VECTORS } from '../helpers/legacy-hash-vectors.js';

/**
 * Over real HTTP: an account whose password_hash is a wrapped legacy hash signs in with the source platform's
 * password, is refused with a wrong one exactly as a native account is (ASVS 6.3.8), and holds a plain argon2id
 * at today's parameters after its first sign-in (OWASP Password Storage Cheat Sheet, "upgrading legacy hashes").
 */
const PLAIN_ARGON2ID = new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}\\$`);

describe('signing in with an imported legacy hash', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function importedAccount(email: string, vectorName: string) {
    const vector = LEGACY_HASH_VECTORS.find((v) => v.name === vectorName)!;
    const { accountId } = await signUpFrom(t, { email });
    const prepared = await prepareImportedHash({ hash: vector.hash, format: vector.format, params: vector.params });
    if (!prepared.ok) throw new Error(prepared.reason);
    await t.app.deps.db.updateTable('accounts').set({ password_hash: prepared.stored }).where('id', '=', accountId).execute();
    return { accountId, password: vector.password, stored: prepared.stored! };
  }

  const storedHash = async (accountId: string) =>
    (await t.app.deps.db.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirstOrThrow()).password_hash;

  for (const name of ['bcrypt-2y', 'magento2-sha256', 'phpass-wordpress']) {
    it(`${name}: the right password signs in, and the account then holds a plain argon2id at today's parameters`, async () => {
      const { accountId, password, stored } = await importedAccount('imported@example.com', name);
      expect(stored.startsWith('$custos-legacy$')).toBe(true);

      const wrong = await submitPassword(t, await signinAtPassword(t, 'imported@example.com'), `${password}!`);
      expect(wrong.status).toBe(401);
      expect(await storedHash(accountId)).toBe(stored);

      const right = await submitPassword(t, await signinAtPassword(t, 'imported@example.com'), password);
      expect(right.status).toBe(201);
      const upgraded = await storedHash(accountId);
      expect(upgraded).toMatch(PLAIN_ARGON2ID);

      // The upgraded hash is the password's own: it signs in again, and the legacy wrap is gone for good.
      expect((await submitPassword(t, await signinAtPassword(t, 'imported@example.com'), password)).status).toBe(201);
      expect(await storedHash(accountId)).toBe(upgraded);
      expect((await submitPassword(t, await signinAtPassword(t, 'imported@example.com'), `${password}!`)).status).toBe(401);
    });
  }

  it('ASVS 6.3.8: a wrapped bcrypt account and a native account answer a wrong password the same way', async () => {
    await importedAccount('imported@example.com', 'bcrypt-2y');
    await signUpFrom(t, { email: 'native@example.com', password: STRONG_PASSWORD });

    const imported = await submitPassword(t, await signinAtPassword(t, 'imported@example.com'), 'not the right password at all');
    const native = await submitPassword(t, await signinAtPassword(t, 'native@example.com'), 'not the right password at all');
    const unknown = await submitPassword(t, await signinAtPassword(t, 'nobody@example.com'), 'not the right password at all');

    expect(imported.status).toBe(401);
    expect(native.status).toBe(imported.status);
    expect(unknown.status).toBe(imported.status);
    expect(imported.body).toEqual({ error: { code: 'signin.failed', message: expect.any(String) } });
    expect(native.body).toEqual(imported.body);
    expect(unknown.body).toEqual(imported.body);
  });

  it('an argon2i hash imported as it is signs in and is upgraded to argon2id', async () => {
    const { accountId, password, stored } = await importedAccount('argon2i@example.com', 'argon2i-phc');
    expect(stored.startsWith('$argon2i$')).toBe(true);
    expect((await submitPassword(t, await signinAtPassword(t, 'argon2i@example.com'), password)).status).toBe(201);
    expect(await storedHash(accountId)).toMatch(PLAIN_ARGON2ID);
  });
});
