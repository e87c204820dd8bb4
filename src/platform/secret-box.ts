import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { keysFor, type Keyring, type SecretKey } from './keyring.js';

/**
 * Secrets the service must read back (authenticator keys, sandbox card tokens) are sealed with AES-256-GCM under
 * a key derived with HKDF from the newest SECRET, one key per purpose. A database dump alone does not reveal them.
 * The sealed value carries the id of the key that sealed it (`v2.<key id>.<iv>.<body>.<tag>`), so it opens
 * under any listed key after a rotation, and the caller learns when to re-seal it under the newest one.
 */
export function sealSecret(keys: Keyring, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(keys.current.secret, purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v2', keys.current.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export interface Opened {
  plaintext: string;
  /** Sealed under an older key (or before keys had ids): re-seal it with sealSecret when convenient. */
  stale: boolean;
}

/** Throws when no listed key opens it: unknown format, a removed key, or tampering (GCM authentication). */
export function openSecret(keys: Keyring, purpose: string, sealed: string): Opened {
  const parsed = parseSealed(sealed);
  if (!parsed) throw new Error('sealed secret has an unknown format');
  for (const key of keysFor(keys, parsed.keyId)) {
    const plaintext = tryOpen(key, purpose, parsed);
    if (plaintext !== undefined) return { plaintext, stale: key.id !== keys.current.id || parsed.keyId === null };
  }
  throw new Error('sealed secret does not open under any listed key');
}

interface Sealed {
  /** Null for v1 values, sealed before keys had ids: each listed key is tried. */
  keyId: string | null;
  iv: string;
  body: string;
  tag: string;
}

function parseSealed(sealed: string): Sealed | undefined {
  const parts = sealed.split('.');
  if (parts[0] === 'v1' && parts.length === 4) return { keyId: null, iv: parts[1]!, body: parts[2]!, tag: parts[3]! };
  if (parts[0] === 'v2' && parts.length === 5) return { keyId: parts[1]!, iv: parts[2]!, body: parts[3]!, tag: parts[4]! };
  return undefined;
}

function tryOpen(key: SecretKey, purpose: string, sealed: Sealed): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(key.secret, purpose), Buffer.from(sealed.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'custos-secret-box', purpose, 32));
}
