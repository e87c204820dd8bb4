import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Masked contacts for logs, the old address in change notices and "find your account" hints: enough for the
 * owner to recognise, too little for anyone else to learn the address (or the length of the number).
 */
const DOTS = '•••';

/** `jane@example.com` → `j•••@e•••.com` */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return DOTS;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${firstChar(local)}${DOTS}@${firstChar(domain)}${DOTS}${tld}`;
}

/** `+15555550167` → `+1 •••• ••67`: the country code and the last two digits, always the same shape. */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (digits.length < 4) return `+${DOTS}`;
  const countryCode = parsePhoneNumberFromString(`+${digits}`)?.countryCallingCode ?? '••';
  return `+${countryCode} •••• ••${digits.slice(-2)}`;
}

/** Masks whichever kind of contact it is given. */
export function maskRecipient(recipient: string): string {
  return recipient.includes('@') ? maskEmail(recipient) : maskPhone(recipient);
}

// Array.from splits by code point, so an address starting with a non-BMP character is not cut in half.
function firstChar(value: string): string {
  return Array.from(value)[0] ?? '';
}
