import { createCipheriv, createHash, createHmac, pbkdf2, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { Algorithm, hashRaw } from '@node-rs/argon2';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { phpassDigest } from './phpass.js';

/**
 * What it takes to recompute a legacy digest from a typed password: the old hash minus its digest. A wrapped
 * hash stores this recipe beside an argon2id of the digest (wrapped.ts), never the digest itself, so a stolen
 * database row is as hard to crack as a native argon2id one.
 */
export type LegacyRecipe =
  | { f: 'bcrypt'; v: BcryptVersion; cost: number; salt: string }
  /** WordPress 6.8 `$wp$2y$`: bcrypt over base64(HMAC-SHA384(password, key 'wp-sha384')). */
  | { f: 'wp-bcrypt'; v: BcryptVersion; cost: number; salt: string }
  | { f: 'phpass'; log2: number; salt: string }
  /** PHC `$scrypt$`; salt is base64 of the salt bytes. */
  | { f: 'scrypt'; ln: number; r: number; p: number; salt: string; len: number }
  /** Firebase Auth's modified scrypt; every value base64 as Firebase exports it. */
  | { f: 'firebase-scrypt'; salt: string; sep: string; signer: string; rounds: number; mem: number }
  /** PHC `$pbkdf2-…$` (passlib) and Django `pbkdf2_…$`; salt is base64 of the salt bytes. */
  | { f: 'pbkdf2'; digest: Pbkdf2Digest; iter: number; salt: string; len: number }
  /** Magento 2 `hash:salt:versions`; each version re-hashes the previous result (Encryptor::isValidHash). */
  | { f: 'magento2'; salt: string; versions: MagentoVersion[] }
  | { f: 'sha256-salted' | 'sha1-salted'; salt: string; at: 'prefix' | 'suffix' };

export type BcryptVersion = '2a' | '2b' | '2y';
export type Pbkdf2Digest = 'sha1' | 'sha256' | 'sha512';
/** 0 md5, 1 sha256, 2 argon2id13 at libsodium's "interactive" limits, or version 3's own argon2id13 limits. */
export type MagentoVersion = 0 | 1 | { seed: number; ops: number; mem: number };

/** libsodium's crypto_pwhash OPSLIMIT/MEMLIMIT_INTERACTIVE and SIGN_SEEDBYTES, Magento's version 2. */
export const MAGENTO_ARGON_INTERACTIVE = { seed: 32, ops: 2, mem: 67_108_864 } as const;

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const scryptAsync = promisify(scrypt) as (password: Buffer, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/** bcrypt's own base 64 (no padding) to the 16 salt bytes; the last character's low bits are ignored, as in crypt_blowfish. */
export function bcryptSaltBytes(salt: string): Uint8Array {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of salt) {
    value = (value << 6) | BCRYPT_ALPHABET.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes.slice(0, 16));
}

/** Bytes scrypt needs for N and r (128·N·r), so the caps and Node's maxmem agree. */
export function scryptMemory(n: number, r: number): number {
  return 128 * n * r;
}

/**
 * The legacy digest of `password` in the one text form the wrap was made from: bcrypt's and phpass's own
 * encoded tail, lowercase hex for everything else.
 */
export async function legacyDigest(recipe: LegacyRecipe, password: string): Promise<string> {
  switch (recipe.f) {
    case 'bcrypt':
    case 'wp-bcrypt': {
      // Passwords over 72 bytes are cut at 72, as PHP's crypt() and every bcrypt the sources used did.
      const input = recipe.f === 'wp-bcrypt' ? wpPrehash(password) : password;
      // The version letter ($2a$, $2b$, $2y$) changes nothing for inputs cut at 72 bytes: only the encoded tail is compared.
      const full = await bcryptHash(input, recipe.cost, bcryptSaltBytes(recipe.salt));
      return full.slice(-31);
    }
    case 'phpass':
      return phpassDigest(password, recipe.salt, recipe.log2);
    case 'scrypt': {
      const n = 2 ** recipe.ln;
      const key = await scryptAsync(Buffer.from(password, 'utf8'), Buffer.from(recipe.salt, 'base64'), recipe.len, {
        N: n, r: recipe.r, p: recipe.p, maxmem: scryptMemory(n, recipe.r) + 1024 * 1024,
      });
      return key.toString('hex');
    }
    case 'firebase-scrypt':
      return firebaseScrypt(recipe, password);
    case 'pbkdf2': {
      const key = await pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.from(recipe.salt, 'base64'), recipe.iter, recipe.len, recipe.digest);
      return key.toString('hex');
    }
    case 'magento2':
      return magentoDigest(recipe.salt, recipe.versions, password);
    case 'sha256-salted':
    case 'sha1-salted': {
      const algorithm = recipe.f === 'sha256-salted' ? 'sha256' : 'sha1';
      const input = recipe.at === 'prefix' ? recipe.salt + password : password + recipe.salt;
      return createHash(algorithm).update(input, 'utf8').digest('hex');
    }
  }
}

/** WordPress 6.8 wp_check_password: the bcrypt input is base64(HMAC-SHA384(password, key 'wp-sha384')), untrimmed. */
function wpPrehash(password: string): string {
  return createHmac('sha384', 'wp-sha384').update(password, 'utf8').digest('base64');
}

/**
 * Firebase's scrypt (github.com/firebase/scrypt): key = scrypt(password, salt ‖ separator, N = 2^mem_cost,
 * r = rounds, p = 1, 64 bytes); digest = AES-256-CTR(key[0..32], IV 0) of the project's signer key.
 */
async function firebaseScrypt(recipe: Extract<LegacyRecipe, { f: 'firebase-scrypt' }>, password: string): Promise<string> {
  const n = 2 ** recipe.mem;
  const salt = Buffer.concat([Buffer.from(recipe.salt, 'base64'), Buffer.from(recipe.sep, 'base64')]);
  const key = await scryptAsync(Buffer.from(password, 'utf8'), salt, 64, { N: n, r: recipe.rounds, p: 1, maxmem: scryptMemory(n, recipe.rounds) + 1024 * 1024 });
  const cipher = createCipheriv('aes-256-ctr', key.subarray(0, 32), Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.from(recipe.signer, 'base64')), cipher.final()]).toString('hex');
}

/**
 * Magento\Framework\Encryption\Encryptor::isValidHash: start from the password; md5/sha256 hash salt ‖ previous
 * (lowercase hex); argon2id13 hashes the previous with the salt cut or repeated to 16 bytes (getArgonHash).
 */
async function magentoDigest(salt: string, versions: MagentoVersion[], password: string): Promise<string> {
  let recreated = password;
  for (const version of versions) {
    if (version === 0) recreated = createHash('md5').update(salt + recreated, 'utf8').digest('hex');
    else if (version === 1) recreated = createHash('sha256').update(salt + recreated, 'utf8').digest('hex');
    else {
      const raw = await hashRaw(recreated, {
        algorithm: Algorithm.Argon2id, salt: magentoArgonSalt(salt), timeCost: version.ops,
        memoryCost: version.mem / 1024, parallelism: 1, outputLen: version.seed,
      });
      recreated = raw.toString('hex');
    }
  }
  return recreated;
}

/** PHP's str_pad($salt, 16, $salt) / substr($salt, 0, 16) on the salt's bytes. */
function magentoArgonSalt(salt: string): Buffer {
  const bytes = Buffer.from(salt, 'utf8');
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}
