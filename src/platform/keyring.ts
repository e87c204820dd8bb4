import { constantTimeEqual, hmac, sha256 } from './crypto.js';

/**
 * SECRET plus PREVIOUS_SECRETS (SECURITY.md "Secrets rotate"): everything keyed is made under the newest key and
 * accepted under any listed one, so the secret can be replaced without breaking codes, forms, authenticators or
 * tokens already issued. A key is named by a short hash of it — never the secret — stored beside what it keyed
 * (a key_id column) or carried in the value itself, so the right key is tried first and an operator can count
 * what still depends on an old key before removing it.
 */
export interface SecretKey {
  id: string;
  secret: string;
}

export interface Keyring {
  current: SecretKey;
  /** Still accepted, newest first; nothing new is made with them. */
  previous: readonly SecretKey[];
}

export function buildKeyring(current: string, previous: readonly string[] = []): Keyring {
  const currentKey = { id: keyId(current), secret: current };
  const older = previous.filter((secret) => secret !== current).map((secret) => ({ id: keyId(secret), secret }));
  return { current: currentKey, previous: older };
}

/** 48 bits of a domain-separated hash: names a key without revealing anything usable about it. */
export function keyId(secret: string): string {
  return sha256(`custos-key-id:${secret}`).slice(0, 8);
}

export function allKeys(keys: Keyring): SecretKey[] {
  return [keys.current, ...keys.previous];
}

/** The key a stored id names; values from before key ids (null) may have been made under any listed key. */
export function keysFor(keys: Keyring, id: string | null): SecretKey[] {
  if (id === null) return allKeys(keys);
  const key = allKeys(keys).find((k) => k.id === id);
  return key ? [key] : [];
}

/** A keyed hash under the newest key, and that key's id to store beside it. */
export function keyedHash(keys: Keyring, ...parts: string[]): { keyId: string; hash: string } {
  return { keyId: keys.current.id, hash: hmac(keys.current.secret, ...parts) };
}

/** Whether a stored keyed hash (with its key id) is of these parts. */
export function matchesKeyedHash(keys: Keyring, storedKeyId: string | null, storedHash: string, ...parts: string[]): boolean {
  let matched = false;
  // Every candidate is compared, so the time taken does not tell which key (if any) matched.
  for (const key of keysFor(keys, storedKeyId)) matched = constantTimeEqual(hmac(key.secret, ...parts), storedHash) || matched;
  return matched;
}

/** Every hash these parts could be stored as, one per listed key: for lookups by hash. */
export function keyedHashCandidates(keys: Keyring, ...parts: string[]): string[] {
  return allKeys(keys).map((key) => hmac(key.secret, ...parts));
}

/** A token that carries its key id: `<key id>.<mac>`. */
export function signToken(keys: Keyring, ...parts: string[]): string {
  return `${keys.current.id}.${hmac(keys.current.secret, ...parts)}`;
}

export function verifyToken(keys: Keyring, token: string, ...parts: string[]): boolean {
  const dot = token.indexOf('.');
  // A bare MAC (no dot: base64url has none) was made before tokens carried a key id; any listed key may have made it.
  if (dot === -1) return matchesKeyedHash(keys, null, token, ...parts);
  return dot > 0 && matchesKeyedHash(keys, token.slice(0, dot), token.slice(dot + 1), ...parts);
}
