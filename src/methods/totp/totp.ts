import { Secret, TOTP } from 'otpauth';

/**
 * Authenticator-app codes (RFC 6238 over RFC 4226), by otpauth. 160-bit keys (ASVS 6.5.1 asks ≥ 112), 30-second
 * steps, 6 digits, SHA-1 as every authenticator app supports. One step either side is accepted for clock drift;
 * the caller stores the step that matched so the same code is never accepted twice.
 */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;

export function newTotpKey(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(keyBase32: string, account: string, issuer = 'Custos'): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(keyBase32), digits: DIGITS, period: TOTP_PERIOD_SECONDS }).toString();
}

/** The code for a moment, as an authenticator app would show it (tests and the enrolment check use it). */
export function totpCodeAt(keyBase32: string, timestampMs: number, digits = DIGITS): string {
  return TOTP.generate({ secret: Secret.fromBase32(keyBase32), digits, period: TOTP_PERIOD_SECONDS, timestamp: timestampMs });
}

/** The time step a typed code belongs to, or null if it matches none within the drift window. */
export function matchTotpStep(keyBase32: string, code: string, nowMs: number, digits = DIGITS): number | null {
  const token = code.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${digits}}$`).test(token)) return null;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(keyBase32), digits, period: TOTP_PERIOD_SECONDS, timestamp: nowMs, window: DRIFT_STEPS });
  if (delta === null) return null;
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS) + delta;
}
