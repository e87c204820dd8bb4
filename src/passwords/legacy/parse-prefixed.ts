import { decodeBase64, LEGACY_CAPS, refuse, type Refusal } from './caps.js';
import { PHPASS_ITOA64 } from './phpass.js';
import { scryptMemory, type BcryptVersion, type LegacyRecipe, type Pbkdf2Digest } from './recipes.js';

/** A legacy hash read apart: what recomputes it (recipe) and the digest the wrap is made of. */
export type Parsed = { ok: true; recipe: LegacyRecipe; digest: string } | { ok: true; asIs: string } | Refusal;

/**
 * Hashes whose prefix says what they are (`password_format: auto`). argon2id and argon2i are stored as they
 * are, since they are already memory-hard; sign-in upgrades any that differ from today's parameters.
 */
export function parsePrefixed(hash: string): Parsed {
  if (hash.startsWith('$argon2')) return parseArgon2(hash);
  if (/^\$2[abxy]?\$/.test(hash)) return parseBcrypt(hash, 'bcrypt');
  if (hash.startsWith('$wp$')) return parseBcrypt(hash.slice(3), 'wp-bcrypt');
  if (/^\$[PH]\$/.test(hash)) return parsePhpass(hash);
  if (hash.startsWith('$scrypt$')) return parseScrypt(hash);
  if (/^\$pbkdf2(-[a-z0-9]+)?\$/.test(hash)) return parsePbkdf2Phc(hash);
  if (/^pbkdf2_sha\d+\$/.test(hash)) return parseDjango(hash);
  return refuse('password_hash', unrecognised(hash));
}

function unrecognised(hash: string): string {
  if (/^[0-9a-f]{32,64}:[^:]+:[0-9_:]+$/i.test(hash)) return 'This looks like a Magento 2 hash (hash:salt:version); set password_format to "magento2".';
  if (/^[0-9a-f]{64}$/i.test(hash)) return 'This looks like a bare SHA-256 digest; set password_format to "sha256-salted" and give its salt in password_params.';
  if (/^[0-9a-f]{40}$/i.test(hash)) return 'This looks like a bare SHA-1 digest; set password_format to "sha1-salted" and give its salt in password_params.';
  if (/^[0-9a-f]{32}$/i.test(hash)) return 'Unsalted MD5 hashes are not accepted; import this customer without a password (they will choose one by email).';
  return 'This hash format is not recognised; see "Password formats" in the README for the accepted ones.';
}

function parseArgon2(hash: string): Parsed {
  const match = /^\$(argon2id|argon2i|argon2d)\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
  if (!match) return refuse('password_hash', 'This argon2 hash is malformed: expected $argon2id$v=19$m=…,t=…,p=…$salt$hash.');
  const [, type, version, m, t, p, salt, digest] = match;
  if (type === 'argon2d') return refuse('password_hash', 'argon2d hashes are not accepted for passwords; only argon2id and argon2i.');
  if (version !== '19') return refuse('password_hash', 'Only argon2 version 19 (1.3) hashes are accepted; this one is of an older version.');
  if (Number(m) * 1024 > LEGACY_CAPS.memoryBytes) return refuse('password_hash', `argon2 memory ${m} KiB is above the cap of ${LEGACY_CAPS.memoryBytes / 1024} KiB (256 MiB).`);
  if (Number(t) < 1 || Number(t) > LEGACY_CAPS.argon2TimeCost) return refuse('password_hash', `argon2 time cost ${t} is outside 1 to ${LEGACY_CAPS.argon2TimeCost}.`);
  if (Number(p) < 1 || Number(p) > LEGACY_CAPS.argon2Parallelism) return refuse('password_hash', `argon2 parallelism ${p} is outside 1 to ${LEGACY_CAPS.argon2Parallelism}.`);
  if (Number(m) < 8 * Number(p)) return refuse('password_hash', 'argon2 memory must be at least 8 KiB per lane.');
  const saltBytes = decodeBase64(salt!);
  const digestBytes = decodeBase64(digest!);
  if (!saltBytes || !digestBytes || saltBytes.length < 8 || digestBytes.length < 16) return refuse('password_hash', 'This argon2 hash has a salt under 8 bytes or a digest under 16 bytes.');
  return { ok: true, asIs: hash };
}

function parseBcrypt(hash: string, f: 'bcrypt' | 'wp-bcrypt'): Parsed {
  const what = f === 'bcrypt' ? 'bcrypt' : 'WordPress $wp$ bcrypt';
  const match = /^\$(2[abxy]?)\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(hash);
  if (!match) return refuse('password_hash', `This ${what} hash is malformed: expected $2y$<cost>$ and 53 characters of salt and hash.`);
  const [, version, costText, salt, digest] = match;
  if (version === '2x' || version === '2') return refuse('password_hash', `$${version}$ bcrypt hashes (from the 2011 crypt_blowfish bug, or pre-1999) are not accepted.`);
  const cost = Number(costText);
  if (cost < 4) return refuse('password_hash', `bcrypt cost ${cost} is below the least bcrypt allows (4).`);
  if (cost > LEGACY_CAPS.bcryptCost) return refuse('password_hash', `bcrypt cost ${cost} is above the cap of ${LEGACY_CAPS.bcryptCost}: each sign-in would take too long.`);
  return { ok: true, recipe: { f, v: version as BcryptVersion, cost, salt: salt! }, digest: digest! };
}

function parsePhpass(hash: string): Parsed {
  const match = /^\$[PH]\$([./0-9A-Za-z])([./0-9A-Za-z]{8})([./0-9A-Za-z]{22})$/.exec(hash);
  if (!match) return refuse('password_hash', 'This phpass hash is malformed: expected $P$ (or $H$), a cost letter, 8 salt and 22 hash characters.');
  const [, costLetter, salt, digest] = match;
  const log2 = PHPASS_ITOA64.indexOf(costLetter!);
  if (log2 < 7 || log2 > 30) return refuse('password_hash', `phpass cost letter "${costLetter}" is outside the range phpass writes (2^7 to 2^30 rounds).`);
  if (log2 > LEGACY_CAPS.phpassLog2) return refuse('password_hash', `phpass cost 2^${log2} rounds is above the cap of 2^${LEGACY_CAPS.phpassLog2}.`);
  return { ok: true, recipe: { f: 'phpass', log2, salt: salt! }, digest: digest! };
}

/** `$scrypt$ln=…,r=…,p=…$salt$hash` (passlib, RustCrypto); salt and hash in base 64. */
function parseScrypt(hash: string): Parsed {
  const parts = hash.split('$');
  if (parts.length !== 5) return refuse('password_hash', 'This scrypt hash is malformed: expected $scrypt$ln=…,r=…,p=…$salt$hash.');
  const params = phcParams(parts[2]!);
  if (!params || Object.keys(params).sort().join() !== 'ln,p,r') return refuse('password_hash', 'This scrypt hash needs exactly the parameters ln, r and p.');
  const { ln, r, p } = params as { ln: number; r: number; p: number };
  const salt = decodeBase64(parts[3]!);
  const digest = decodeBase64(parts[4]!);
  if (!salt || !digest || salt.length === 0) return refuse('password_hash', 'This scrypt hash has a salt or digest that is not base 64.');
  if (digest.length < 16 || digest.length > 128) return refuse('password_hash', 'This scrypt hash has a digest outside 16 to 128 bytes.');
  const capped = scryptCaps(ln, r, p);
  if (capped) return refuse('password_hash', capped);
  return { ok: true, recipe: { f: 'scrypt', ln, r, p, salt: salt.toString('base64'), len: digest.length }, digest: digest.toString('hex') };
}

/** Why scrypt at these parameters is refused, or null when a sign-in can afford it. */
export function scryptCaps(ln: number, r: number, p: number): string | null {
  if (ln < 1 || ln > LEGACY_CAPS.scryptLog2N) return `scrypt N = 2^${ln} is outside 2^1 to 2^${LEGACY_CAPS.scryptLog2N}.`;
  if (r < 1 || r > LEGACY_CAPS.scryptR) return `scrypt r = ${r} is outside 1 to ${LEGACY_CAPS.scryptR}.`;
  if (p < 1 || p > LEGACY_CAPS.scryptP) return `scrypt p = ${p} is outside 1 to ${LEGACY_CAPS.scryptP}.`;
  if (scryptMemory(2 ** ln, r) > LEGACY_CAPS.memoryBytes) return `scrypt at N = 2^${ln}, r = ${r} needs more than the cap of 256 MiB.`;
  if (2 ** ln * r * p > LEGACY_CAPS.scryptWork) return `scrypt at N = 2^${ln}, r = ${r}, p = ${p} is more work than the cap (N·r·p ≤ 2^21, e.g. N = 2^17 with r = 16, p = 1).`;
  return null;
}

/** `$pbkdf2-sha256$29000$salt$hash` (passlib, '.' for '+') or `$pbkdf2-sha256$i=…[,l=…]$salt$hash` (PHC). */
function parsePbkdf2Phc(hash: string): Parsed {
  const parts = hash.split('$');
  const digestName = { pbkdf2: 'sha1', 'pbkdf2-sha1': 'sha1', 'pbkdf2-sha256': 'sha256', 'pbkdf2-sha512': 'sha512' }[parts[1]!] as Pbkdf2Digest | undefined;
  if (!digestName) return refuse('password_hash', `PBKDF2 with "${parts[1]}" is not accepted; only SHA-1, SHA-256 and SHA-512.`);
  if (parts.length !== 5) return refuse('password_hash', 'This PBKDF2 hash is malformed: expected $pbkdf2-sha256$<iterations>$salt$hash.');
  let iterations: number;
  let length: number | undefined;
  if (/^\d+$/.test(parts[2]!)) iterations = Number(parts[2]);
  else {
    const params = phcParams(parts[2]!);
    if (!params || !('i' in params) || Object.keys(params).some((key) => key !== 'i' && key !== 'l')) return refuse('password_hash', 'This PBKDF2 hash needs the parameter i (and optionally l) only.');
    iterations = params.i!;
    length = params.l;
  }
  const salt = decodeBase64(parts[3]!, { dotForPlus: true });
  const digest = decodeBase64(parts[4]!, { dotForPlus: true });
  if (!salt || !digest || salt.length === 0 || digest.length < 16) return refuse('password_hash', 'This PBKDF2 hash has a salt or digest that is not base 64, or a digest under 16 bytes.');
  if (length !== undefined && length !== digest.length) return refuse('password_hash', `This PBKDF2 hash says l=${length} but its digest has ${digest.length} bytes.`);
  return pbkdf2Recipe(digestName, iterations, salt, digest);
}

/** Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`; the salt is used as text. */
function parseDjango(hash: string): Parsed {
  const match = /^pbkdf2_(sha1|sha256)\$(\d+)\$([^$]+)\$([A-Za-z0-9+/]+=*)$/.exec(hash);
  if (!match) return refuse('password_hash', 'This Django hash is malformed: expected pbkdf2_sha256$<iterations>$<salt>$<base 64 hash>.');
  const digest = decodeBase64(match[4]!);
  if (!digest || digest.length < 16) return refuse('password_hash', 'This Django hash has a digest that is not base 64 or under 16 bytes.');
  return pbkdf2Recipe(match[1] as Pbkdf2Digest, Number(match[2]), Buffer.from(match[3]!, 'utf8'), digest);
}

function pbkdf2Recipe(digestName: Pbkdf2Digest, iterations: number, salt: Buffer, digest: Buffer): Parsed {
  if (!Number.isSafeInteger(iterations) || iterations < 1) return refuse('password_hash', 'This PBKDF2 hash has no usable iteration count.');
  if (iterations > LEGACY_CAPS.pbkdf2Iterations) return refuse('password_hash', `PBKDF2 at ${iterations} iterations is above the cap of ${LEGACY_CAPS.pbkdf2Iterations.toLocaleString('en')}.`);
  if (digest.length > 128) return refuse('password_hash', 'This PBKDF2 hash has a digest over 128 bytes.');
  return { ok: true, recipe: { f: 'pbkdf2', digest: digestName, iter: iterations, salt: salt.toString('base64'), len: digest.length }, digest: digest.toString('hex') };
}

/** PHC `k=v,k=v` with small decimal values; null on anything else or a repeated key. */
function phcParams(text: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const match = /^([a-z]{1,4})=(\d{1,10})$/.exec(pair);
    if (!match || match[1]! in out) return null;
    out[match[1]!] = Number(match[2]);
  }
  return out;
}
