import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import type { IdentifierKind } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';

/**
 * An email address or a phone number is the customer's account. Emails are trimmed, NFC-normalised and matched
 * case-insensitively; phones are parsed to E.164. `normalized` is what lookups and uniqueness use; `value` is
 * what the customer typed, shown back to them.
 */
export interface ParsedIdentifier {
  kind: IdentifierKind;
  value: string;
  normalized: string;
}

export type IdentifierProblem = 'email_invalid' | 'phone_invalid' | 'too_long';

const emailShape = z.email();
const NON_ASCII = /[^\x00-\x7f]/gu;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}\p{M}]$/u;
const MAX_EMAIL = 254;

export function parseEmail(input: string): ParsedIdentifier | IdentifierProblem {
  const value = input.normalize('NFC').trim();
  if (value.length > MAX_EMAIL) return 'too_long';
  const at = value.lastIndexOf('@');
  if (at < 1) return 'email_invalid';
  const local = value.slice(0, at);
  // Internationalised addresses (zoë@example.com, info@bücher.de) are real customers' addresses: the domain
  // is checked in its ASCII (punycode) form, and non-ASCII in the local part may only be letters or numbers.
  const domain = domainToASCII(value.slice(at + 1).toLowerCase());
  if (!domain) return 'email_invalid';
  const nonAscii = local.match(NON_ASCII) ?? [];
  if (!nonAscii.every((ch) => LETTER_OR_NUMBER.test(ch))) return 'email_invalid';
  if (!emailShape.safeParse(`${local.replace(NON_ASCII, 'a')}@${domain}`).success) return 'email_invalid';
  return { kind: 'email', value, normalized: `${local.toLowerCase()}@${domain}` };
}

export function parsePhone(input: string, defaultRegion: string): ParsedIdentifier | IdentifierProblem {
  const value = input.normalize('NFKC').trim();
  if (value.length > 40) return 'too_long';
  if (!/^[+\d\s().\-]+$/.test(value)) return 'phone_invalid';
  const phone = parsePhoneNumberFromString(value, defaultRegion as CountryCode);
  if (!phone || !phone.isValid()) return 'phone_invalid';
  return { kind: 'phone', value: phone.formatInternational(), normalized: phone.number };
}

/** Sign-in and "find your account" accept either; an @ means email. */
export function parseIdentifier(input: string, defaultRegion: string): ParsedIdentifier | IdentifierProblem {
  return input.includes('@') ? parseEmail(input) : parsePhone(input, defaultRegion);
}

/** Parses an email-or-phone field, or throws the field error a person understands. */
export function requireIdentifier(input: string, defaultRegion: string, field = 'identifier'): ParsedIdentifier {
  const identifier = parseIdentifier(input, defaultRegion);
  if (!isProblem(identifier)) return identifier;
  const problem = identifier === 'too_long' ? 'too_long' : input.includes('@') ? 'email_invalid' : 'phone_invalid';
  throw errors.invalidInput({ [field]: identifierMessages[problem] });
}

export function isProblem(result: ParsedIdentifier | IdentifierProblem): result is IdentifierProblem {
  return typeof result === 'string';
}

export const identifierMessages: Record<IdentifierProblem, string> = {
  email_invalid: 'Enter an email address like name@example.com.',
  phone_invalid: 'Enter a phone number with its country code, like +1 415 555 0132.',
  too_long: 'That is too long to be an email address or phone number.',
};
