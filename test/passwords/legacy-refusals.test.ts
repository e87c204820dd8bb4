import { describe, expect, it } from 'vitest';
import { prepareImportedHash, type ImportedHashInput } from '../../src/passwords/legacy/import-hash.js';
import { LEGACY_HASH_VECTORS } from '../helpers/legacy-hash-vectors.js';

/**
 * What import refuses, field by field, with a reason a store developer can act on: costs a sign-in cannot afford
 * (bcrypt > 13, PBKDF2 > 1,000,000, scrypt N > 2^17, argon2 > 256 MiB), malformed hashes, wrong or unknown params,
 * unknown formats. Hostile input gets a reason, never a throw.
 */
const vector = (name: string) => LEGACY_HASH_VECTORS.find((v) => v.name === name)!;
const firebase = vector('firebase-scrypt');

async function refusal(input: Partial<ImportedHashInput>) {
  const result = await prepareImportedHash({ hash: undefined, format: 'auto', params: {}, ...input });
  if (result.ok) throw new Error(`accepted: ${result.stored}`);
  expect(result.reason.length).toBeGreaterThan(10);
  return { field: result.field, reason: result.reason };
}

describe('legacy password hashes: caps', () => {
  it('bcrypt cost 13 is accepted, 14 refused', async () => {
    const at13 = await prepareImportedHash({ hash: '$2y$13$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', format: 'auto', params: {} });
    expect(at13.ok).toBe(true);
    expect(await refusal({ hash: '$2y$14$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' })).toEqual({ field: 'password_hash', reason: expect.stringMatching(/cost 14 .*cap of 13/) });
    expect((await refusal({ hash: '$wp$2y$14$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' })).reason).toMatch(/cap of 13/);
  });

  it('PBKDF2 at 1,000,000 iterations is accepted, 1,000,001 refused (Django and PHC forms)', async () => {
    const django = vector('django-pbkdf2').hash;
    expect((await prepareImportedHash({ hash: django.replace('600000', '1000000'), format: 'auto', params: {} })).ok).toBe(true);
    expect(await refusal({ hash: django.replace('600000', '1000001') })).toEqual({ field: 'password_hash', reason: expect.stringMatching(/1000001 iterations is above the cap of 1,000,000/) });
    expect((await refusal({ hash: vector('pbkdf2-sha512-phc').hash.replace('310000', '2000000') })).reason).toMatch(/cap/);
  });

  it('scrypt N = 2^17 is accepted, 2^18 refused; r and p are bounded', async () => {
    const phc = vector('scrypt-phc').hash;
    expect((await prepareImportedHash({ hash: phc.replace('ln=16', 'ln=17'), format: 'auto', params: {} })).ok).toBe(true);
    expect((await refusal({ hash: phc.replace('ln=16', 'ln=18') })).reason).toMatch(/2\^18/);
    expect((await refusal({ hash: phc.replace('r=8', 'r=64') })).reason).toMatch(/r = 64/);
    expect((await refusal({ hash: phc.replace('p=1', 'p=0') })).reason).toMatch(/p = 0/);
    expect((await refusal({ hash: phc.replace('ln=16,r=8', 'ln=17,r=32') })).reason).toMatch(/256 MiB/);
    // Within the memory cap, p multiplies the work alone: N = 2^17, r = 16 at p = 16 would be 16 times the cap's work.
    expect((await prepareImportedHash({ hash: phc.replace('ln=16,r=8,p=1', 'ln=17,r=16,p=1'), format: 'auto', params: {} })).ok).toBe(true);
    expect((await refusal({ hash: phc.replace('ln=16,r=8,p=1', 'ln=17,r=16,p=16') })).reason).toMatch(/more work than the cap/);
    const big = await refusal({ hash: firebase.hash, format: 'firebase-scrypt', params: { ...firebase.params, mem_cost: 18 } });
    expect(big).toEqual({ field: 'password_params', reason: expect.stringMatching(/2\^18/) });
  });

  it('argon2 memory 256 MiB is accepted, more refused; time cost and version are checked', async () => {
    const phc = vector('argon2id-phc').hash;
    expect((await prepareImportedHash({ hash: phc.replace('m=19456', 'm=262144'), format: 'auto', params: {} })).ok).toBe(true);
    expect((await refusal({ hash: phc.replace('m=19456', 'm=262145') })).reason).toMatch(/256 MiB/);
    expect((await refusal({ hash: phc.replace('t=2', 't=50') })).reason).toMatch(/time cost 50/);
    expect((await refusal({ hash: phc.replace('v=19$', '') })).reason).toMatch(/version 19/);
    expect((await refusal({ hash: phc.replace('argon2id', 'argon2d') })).reason).toMatch(/argon2d/);
    const magento = vector('magento2-argon2id13').hash;
    expect((await refusal({ hash: magento.replace('67108864', '536870912'), format: 'magento2' })).reason).toMatch(/256 MiB/);
  });

  it('phpass above 2^16 rounds is refused', async () => {
    expect((await refusal({ hash: '$P$HIQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' })).reason).toMatch(/2\^19 .*cap of 2\^16/);
  });
});

describe('legacy password hashes: malformed input, per field', () => {
  it('an unknown format names password_format', async () => {
    expect(await refusal({ hash: 'abc', format: 'md5-crypt' })).toEqual({ field: 'password_format', reason: expect.stringContaining('"md5-crypt"') });
    expect((await refusal({ hash: 'abc', format: 42 as unknown as string })).field).toBe('password_format');
  });

  it('malformed hashes name password_hash, with a hint where the hash looks like another format', async () => {
    const cases: Array<[string, RegExp]> = [
      ['$2y$10$short', /bcrypt hash is malformed/],
      ['$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', /not accepted/],
      ['$P$9IQRaTwmfe', /phpass hash is malformed/],
      ['$scrypt$ln=16,r=8$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E', /ln, r and p/],
      ['$scrypt$ln=16,r=8,p=1$!!!$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E', /base 64/],
      ['$pbkdf2-md5$1000$c2FsdA$c2FsdA', /not accepted/],
      ['$pbkdf2-sha256$i=1000,x=3$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdHNhbHRzYWx0c2FsdA', /parameter i/],
      ['pbkdf2_sha256$600000$seasalt$', /Django hash is malformed/],
      [vector('magento2-sha256').hash, /magento2/],
      ['5f4dcc3b5aa765d61d8327deb882cf99', /Unsalted MD5/],
      ['e38ad214943daad1d64c102faec29de4afe9da3d', /sha1-salted/],
      ['plaintext-password', /not recognised/],
      ['$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$short', /under 16 bytes/],
    ];
    for (const [hash, reason] of cases) expect(await refusal({ hash })).toEqual({ field: 'password_hash', reason: expect.stringMatching(reason) });
  });

  it('Magento 2: missing version, unknown version, long chains and wrong digest length name password_hash', async () => {
    const salt = 'HOiS51whl8VzfvZvGfw5AKa8gn7c3bEZ';
    const md5 = 'e9885e11dfcdd0e93edbc8a48b464229';
    expect((await refusal({ hash: `${md5}:${salt}`, format: 'magento2' })).reason).toMatch(/append ":0"/);
    expect((await refusal({ hash: `${md5}:${salt}:7`, format: 'magento2' })).reason).toMatch(/version "7"/);
    expect((await refusal({ hash: `${md5}:${salt}:0:1:0:1:0`, format: 'magento2' })).reason).toMatch(/chains 5/);
    expect((await refusal({ hash: `${md5}:${salt}:1`, format: 'magento2' })).reason).toMatch(/64 hex characters/);
  });

  it('params: unknown keys, missing keys and wrong types name password_params', async () => {
    expect(await refusal({ hash: vector('bcrypt-2y').hash, params: { salt: 'x' } })).toEqual({ field: 'password_params', reason: expect.stringMatching(/Unknown key "salt"/) });
    expect((await refusal({ hash: vector('magento2-md5').hash, format: 'magento2', params: { cost: 1 } })).field).toBe('password_params');
    const sha = { hash: vector('sha1-salted').hash, format: 'sha1-salted' };
    expect((await refusal({ ...sha, params: { salt: 'mnopnopq' } })).reason).toMatch(/salt_position/);
    expect((await refusal({ ...sha, params: { salt: 'x', salt_position: 'middle' } })).reason).toMatch(/salt_position/);
    expect((await refusal({ ...sha, params: { salt: 7, salt_position: 'prefix' } })).reason).toMatch(/salt/);
    expect((await refusal({ ...sha, params: { salt: 'x', salt_position: 'prefix', encoding: 'utf16' } })).reason).toMatch(/encoding/);
    expect((await refusal({ ...sha, params: { salt: 'x', salt_position: 'prefix', saltt: 'x' } })).reason).toMatch(/Unknown key "saltt"/);
    const { signer_key: _, ...noSigner } = firebase.params;
    expect((await refusal({ hash: firebase.hash, format: 'firebase-scrypt', params: noSigner })).reason).toMatch(/signer_key/);
    expect((await refusal({ hash: firebase.hash, format: 'firebase-scrypt', params: { ...firebase.params, rounds: '8' } })).reason).toMatch(/rounds/);
    expect((await refusal({ hash: firebase.hash, format: 'firebase-scrypt', params: { ...firebase.params, salt: '%%%' } })).reason).toMatch(/salt/);
    expect((await refusal({ hash: 'abc', params: [] as unknown as Record<string, unknown> })).field).toBe('password_params');
    expect((await refusal({ hash: null, params: { salt: 'x' } })).field).toBe('password_params');
  });

  it('a hash of the wrong length for its format names password_hash', async () => {
    expect((await refusal({ hash: 'abcd', format: 'sha256-salted', params: { salt: 'x', salt_position: 'prefix' } })).reason).toMatch(/32 bytes/);
    expect((await refusal({ hash: 'c2hvcnQ=', format: 'firebase-scrypt', params: firebase.params })).reason).toMatch(/signer key/);
  });

  it('hostile input gets a reason, never a throw', async () => {
    const hostile: unknown[] = [42, {}, [], true, 'x'.repeat(5000), ' $2y$10$x ', '$argon2id$\u0000', '$2y$10$' + 'é'.repeat(53), '$scrypt$ln=9999999999,r=8,p=1$YQ$YQ', '$pbkdf2-sha256$99999999999999999999$YQ$YQ', '$custos-legacy$phpass$e30$$argon2id$v=19$'];
    for (const hash of hostile) {
      const result = await prepareImportedHash({ hash: hash as string, format: 'auto', params: {} });
      expect(result.ok, String(hash).slice(0, 40)).toBe(false);
    }
    for (const format of ['magento2', 'sha256-salted', 'sha1-salted', 'firebase-scrypt']) {
      const result = await prepareImportedHash({ hash: '::\u202e::', format, params: { salt: {}, salt_position: null, rounds: 1e308, mem_cost: -1 } });
      expect(result.ok).toBe(false);
    }
  });

  it('no hash at all is a customer without a password', async () => {
    expect(await prepareImportedHash({ hash: '', format: 'auto', params: {} })).toEqual({ ok: true, stored: null });
    expect(await prepareImportedHash({ hash: null, format: null, params: null })).toEqual({ ok: true, stored: null });
  });
});
