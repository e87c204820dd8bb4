import { decodeBase64, LEGACY_CAPS, refuse } from './caps.js';
import { scryptCaps, type Parsed } from './parse-prefixed.js';
import { MAGENTO_ARGON_INTERACTIVE, type MagentoVersion } from './recipes.js';

/**
 * Hashes with no prefix, whose format the row names in password_format and whose salt or keys come in
 * password_params. Every key is checked: an unknown one is refused rather than ignored, so a typo in an
 * exporter shows on the first row instead of as customers who cannot sign in.
 */
export type Params = Record<string, unknown>;

export function unknownKeys(params: Params, allowed: readonly string[], format: string): Parsed | null {
  const extra = Object.keys(params).filter((key) => !allowed.includes(key));
  if (extra.length === 0) return null;
  const takes = allowed.length ? `takes only ${allowed.join(', ')}` : 'takes none';
  return refuse('password_params', `Unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} in password_params: ${format} ${takes}.`);
}

/** Magento 2 `hash:salt:version[:version…]` (Magento\Framework\Encryption\Encryptor). */
export function parseMagento2(hash: string, params: Params): Parsed {
  const extra = unknownKeys(params, [], 'magento2');
  if (extra) return extra;
  const match = /^([0-9a-fA-F]+):([^:]+):(.+)$/.exec(hash);
  if (!match) return refuse('password_hash', 'This Magento 2 hash is malformed: expected hash:salt:version (a Magento 1 hash:salt is version 0, so append ":0").');
  const [, digest, salt, versionText] = match;
  const names = versionText!.split(':');
  if (names.length > LEGACY_CAPS.magentoChain) return refuse('password_hash', `This Magento 2 hash chains ${names.length} versions; at most ${LEGACY_CAPS.magentoChain} are accepted.`);
  const versions: MagentoVersion[] = [];
  for (const name of names) {
    const version = magentoVersion(name);
    if (typeof version === 'string') return refuse('password_hash', version);
    versions.push(version);
  }
  const last = versions[versions.length - 1]!;
  const expected = last === 0 ? 32 : last === 1 ? 64 : last.seed * 2;
  if (digest!.length !== expected) return refuse('password_hash', `This Magento 2 hash should have ${expected} hex characters before the salt for version ${names[names.length - 1]}; it has ${digest!.length}.`);
  return { ok: true, recipe: { f: 'magento2', salt: salt!, versions }, digest: digest!.toLowerCase() };
}

/** 0 md5, 1 sha256, 2 argon2id13 (libsodium interactive), 3_<bytes>_<ops>_<mem> argon2id13 with its own limits. */
function magentoVersion(name: string): MagentoVersion | string {
  if (name === '0') return 0;
  if (name === '1') return 1;
  if (name === '2') return { ...MAGENTO_ARGON_INTERACTIVE };
  const match = /^3_(\d{1,3})_(\d{1,3})_(\d{1,12})$/.exec(name);
  if (!match) return `Magento 2 hash version "${name}" is not one of 0 (md5), 1 (sha256), 2 or 3_<bytes>_<ops>_<memory> (argon2id13).`;
  const [seed, ops, mem] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (seed < 16 || seed > 64) return `Magento 2 argon2 output of ${seed} bytes is outside 16 to 64.`;
  if (ops < 1 || ops > LEGACY_CAPS.argon2TimeCost) return `Magento 2 argon2 ops limit ${ops} is outside 1 to ${LEGACY_CAPS.argon2TimeCost}.`;
  if (mem > LEGACY_CAPS.memoryBytes) return `Magento 2 argon2 memory ${mem} bytes is above the cap of 256 MiB.`;
  if (mem < 8192 || mem % 1024 !== 0) return `Magento 2 argon2 memory ${mem} bytes is not a whole number of KiB of at least 8 KiB.`;
  return { seed, ops, mem };
}

/** A salted SHA-256 or SHA-1 digest: params salt (text), salt_position prefix|suffix, encoding hex (default) or base64. */
export function parseSaltedSha(hash: string, params: Params, f: 'sha256-salted' | 'sha1-salted'): Parsed {
  const extra = unknownKeys(params, ['salt', 'salt_position', 'encoding'], f);
  if (extra) return extra;
  const { salt, salt_position: position, encoding = 'hex' } = params;
  if (typeof salt !== 'string' || salt.length === 0 || salt.length > 256) return refuse('password_params', `${f} needs password_params.salt: the salt as text, 1 to 256 characters.`);
  if (position !== 'prefix' && position !== 'suffix') return refuse('password_params', `${f} needs password_params.salt_position: "prefix" (salt before the password) or "suffix" (after).`);
  if (encoding !== 'hex' && encoding !== 'base64') return refuse('password_params', 'password_params.encoding is "hex" (the default) or "base64".');
  const bytes = f === 'sha256-salted' ? 32 : 20;
  const digest = encoding === 'hex' ? (/^[0-9a-fA-F]+$/.test(hash) ? Buffer.from(hash, 'hex') : null) : decodeBase64(hash);
  if (!digest || digest.length !== bytes) return refuse('password_hash', `A ${f} hash is ${bytes} bytes in ${encoding} (${encoding === 'hex' ? bytes * 2 : Math.ceil(bytes / 3) * 4} characters); this one is not.`);
  return { ok: true, recipe: { f, salt, at: position }, digest: digest.toString('hex') };
}

const FIREBASE_KEYS = ['salt', 'signer_key', 'salt_separator', 'rounds', 'mem_cost'] as const;

/**
 * Firebase Auth's scrypt: the user's salt plus the project's hash config (Authentication → Users → Password hash
 * parameters): base64_signer_key, base64_salt_separator, rounds, mem_cost.
 */
export function parseFirebaseScrypt(hash: string, params: Params): Parsed {
  const extra = unknownKeys(params, FIREBASE_KEYS, 'firebase-scrypt');
  if (extra) return extra;
  const missing = FIREBASE_KEYS.filter((key) => params[key] === undefined);
  if (missing.length) return refuse('password_params', `firebase-scrypt needs password_params ${missing.join(', ')} (the user's salt and the project's hash config).`);
  const decoded: Record<string, Buffer> = {};
  for (const key of ['salt', 'signer_key', 'salt_separator'] as const) {
    const value = params[key];
    const bytes = typeof value === 'string' && value.length <= 512 ? decodeBase64(value) : null;
    if (!bytes || (key !== 'salt_separator' && bytes.length === 0)) return refuse('password_params', `password_params.${key} must be base 64, as Firebase exports it.`);
    decoded[key] = bytes;
  }
  const { rounds, mem_cost: memCost } = params;
  if (!Number.isInteger(rounds) || (rounds as number) < 1) return refuse('password_params', 'password_params.rounds must be a whole number of at least 1.');
  if (!Number.isInteger(memCost) || (memCost as number) < 1) return refuse('password_params', 'password_params.mem_cost must be a whole number of at least 1.');
  const capped = scryptCaps(memCost as number, rounds as number, 1);
  if (capped) return refuse('password_params', capped);
  const digest = decodeBase64(hash);
  if (!digest || digest.length !== decoded.signer_key!.length) return refuse('password_hash', 'A firebase-scrypt hash is base 64 of as many bytes as the signer key; this one is not.');
  return {
    ok: true,
    recipe: {
      f: 'firebase-scrypt', salt: decoded.salt!.toString('base64'), sep: decoded.salt_separator!.toString('base64'),
      signer: decoded.signer_key!.toString('base64'), rounds: rounds as number, mem: memCost as number,
    },
    digest: digest.toString('hex'),
  };
}
