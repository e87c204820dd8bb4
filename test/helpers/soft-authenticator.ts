import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software WebAuthn authenticator for server-side tests: real ES256 (P-256) keys, real authenticator data and
 * signatures, 'none' attestation, so @simplewebauthn/server checks the responses exactly as it checks a browser's.
 * Each credential is discoverable (it keeps the user handle) and counts its signatures. Knobs let a test play a
 * hostile or odd client: another origin, no user verification, a counter that goes backwards.
 */
export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  rpId: string;
  counter: number;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: Array<{ id: string }>;
}

export interface Knobs {
  /** Whether the authenticator verified the user (PIN, biometric); default true. */
  uv?: boolean;
  /** The origin the "browser" reports in clientDataJSON; default the authenticator's. */
  origin?: string;
  /** Sign with this credential rather than the first one allowed. */
  credentialId?: string;
  /** Report this signature counter instead of the next one. */
  counter?: number;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(readonly origin: string) {}

  /** navigator.credentials.create(), returned as @simplewebauthn/browser's startRegistration() would. */
  register(options: CreationOptions, knobs: Knobs = {}) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(16);
    const credential: SoftCredential = { id: id.toString('base64url'), privateKey, userHandle: options.user.id, rpId, counter: 0 };
    this.credentials.push(credential);
    const attested = Buffer.concat([Buffer.alloc(16), uint16(id.length), id, coseKey(publicKey)]);
    const authData = authenticatorData(rpId, flags(knobs) | FLAG_AT, 0, attested);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
      response: {
        clientDataJSON: clientData('webauthn.create', options.challenge, knobs.origin ?? this.origin),
        attestationObject: attestationObject.toString('base64url'),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get(): signs the challenge with an allowed credential (any, when none are listed). */
  authenticate(options: RequestOptions, knobs: Knobs = {}) {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const credential = this.credentials.find((c) => (knobs.credentialId ? c.id === knobs.credentialId : allowed.length === 0 || allowed.includes(c.id)));
    if (!credential) throw new Error('NotAllowedError: no credential for this request');
    credential.counter += 1;
    const authData = authenticatorData(options.rpId ?? credential.rpId, flags(knobs), knobs.counter ?? credential.counter);
    const clientDataJSON = clientData('webauthn.get', options.challenge, knobs.origin ?? this.origin);
    const signed = Buffer.concat([authData, createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest()]);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
      response: {
        clientDataJSON,
        authenticatorData: authData.toString('base64url'),
        // Node signs EC keys in DER, the encoding WebAuthn uses for ES256.
        signature: sign('sha256', signed, credential.privateKey).toString('base64url'),
        userHandle: credential.userHandle,
      },
    };
  }
}

function flags(knobs: Knobs): number {
  return FLAG_UP | (knobs.uv === false ? 0 : FLAG_UV);
}

function clientData(type: string, challenge: string, origin: string): string {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })).toString('base64url');
}

function authenticatorData(rpId: string, flagByte: number, counter: number, attested = Buffer.alloc(0)): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flagByte]), count, attested]);
}

/** The public key as a COSE_Key map: kty EC2, alg ES256, crv P-256, x, y (RFC 9053). */
function coseKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return cbor(
    new Map<number, unknown>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
}

function uint16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

/** Just enough CBOR (RFC 8949) for the above: small integers, byte and text strings, maps. */
function cbor(value: unknown): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: cannot encode ${typeof value}`);
}

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
}
