import cardValidator from 'card-validator';
import { declineMessage, type CardBrand } from '../gateway.js';

/**
 * What the sandbox's card-entry page checks before it issues a token: the number (Luhn, length and brand, by
 * card-validator), the expiry date, the security code's length for the brand (4 for American Express, 3 for
 * the others) and a name. Pure functions: the page passes the time in.
 *
 * The expiry is parsed and compared here rather than by card-validator, whose expiry check reads the machine's
 * clock; the service's clock is injected (tests move it), so "expired" must be measured against that one.
 */
export interface EnteredCard {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
}

export interface CheckedCard {
  /** The full number, digits only. Lives only for this request: it is hashed and cut to the last 4, never kept. */
  digits: string;
  brand: CardBrand;
  expMonth: number;
  expYear: number;
}

export type CardFieldErrors = Partial<Record<keyof EnteredCard, string>>;

export type CardCheck = { ok: true; card: CheckedCard } | { ok: false; errors: CardFieldErrors };

/** card-validator's names for the brands we accept; it also knows Maestro, Mir, Elo… which we don't. */
const BRANDS: Record<string, CardBrand> = {
  visa: 'visa',
  mastercard: 'mastercard',
  'american-express': 'amex',
  discover: 'discover',
  jcb: 'jcb',
  'diners-club': 'diners',
  unionpay: 'unionpay',
};

export const NAME_MAX = 100;

export function checkCard(input: EnteredCard, now: number): CardCheck {
  const errors: CardFieldErrors = {};
  const number = checkCardNumber(input.number);
  if ('error' in number) errors.number = number.error;
  const expiry = checkExpiry(input.expiry, now);
  if ('error' in expiry) errors.expiry = expiry.error;
  // The code's length depends on the brand; without a brand, only "digits" can be checked.
  const cvcError = checkCvc(input.cvc, 'brand' in number ? number.brand : undefined);
  if (cvcError) errors.cvc = cvcError;
  const nameError = checkName(input.name);
  if (nameError) errors.name = nameError;
  if ('error' in number || 'error' in expiry || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, card: { digits: number.digits, brand: number.brand, expMonth: expiry.month, expYear: expiry.year } };
}

export function checkCardNumber(raw: string): { digits: string; brand: CardBrand } | { error: string } {
  // People type spaces and dashes the way the number is printed on the card.
  const digits = raw.replace(/[\s-]/g, '');
  if (digits === '') return { error: 'Enter the card number.' };
  if (!/^\d+$/.test(digits)) return { error: 'The card number can only contain digits — check what you typed.' };
  // UnionPay cards are Luhn-checked too: the checksum is what catches a mistyped digit.
  const verdict = cardValidator.number(digits, { luhnValidateUnionPay: true });
  const known = verdict.card ? BRANDS[verdict.card.type] : undefined;
  if (verdict.card && !known) {
    return { error: declineMessage('card_not_supported') };
  }
  if (!verdict.isValid || !known) return { error: 'The card number is not valid — check the digits.' };
  return { digits, brand: known };
}

/** MM/YY (also MM/YYYY, MM-YY, MMYY). A card is good until the end of its expiry month. */
export function checkExpiry(raw: string, now: number): { month: number; year: number } | { error: string } {
  const text = raw.trim();
  if (text === '') return { error: 'Enter the expiry date as it is printed on the card, for example 04/29.' };
  const match = /^(\d{1,2})\s*[/-]\s*(\d{2}|\d{4})$/.exec(text) ?? /^(\d{2})(\d{2})$/.exec(text);
  if (!match) return { error: 'Enter the expiry date as MM/YY, for example 04/29.' };
  const month = Number(match[1]);
  const year = match[2]!.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return { error: 'The expiry month must be from 01 to 12.' };
  const today = new Date(now);
  if (Date.UTC(year, month, 1) <= now) return { error: 'This card has expired. Please use a card that is still valid.' };
  // Cards are issued for a few years at most; 20 years ahead is a typo.
  if (year > today.getUTCFullYear() + 20) return { error: 'Check the expiry year — it is too far in the future.' };
  return { month, year };
}

export function checkCvc(raw: string, brand: CardBrand | undefined): string | undefined {
  const code = raw.trim();
  const size = brand === 'amex' ? 4 : 3;
  const where = brand === 'amex' ? 'the 4-digit code on the front of the card' : 'the 3-digit code on the back of the card';
  if (code === '') return `Enter the security code: ${brand ? where : 'the 3 or 4 digits printed on the card'}.`;
  if (!/^\d+$/.test(code)) return 'The security code can only contain digits.';
  if (!brand) return code.length === 3 || code.length === 4 ? undefined : 'The security code is 3 or 4 digits.';
  return cardValidator.cvv(code, size).isValid ? undefined : `The security code for this card is ${where}.`;
}

function checkName(raw: string): string | undefined {
  const name = raw.trim();
  if (name === '') return 'Enter the name as it is printed on the card.';
  if (name.length > NAME_MAX) return `The name can be at most ${NAME_MAX} characters.`;
  // Control characters and the like are never on a card.
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return 'The name contains characters that are not allowed.';
  return undefined;
}

/** The last 4 digits, the only part of the number anything outside this request may see. */
export function lastFour(digits: string): string {
  return digits.slice(-4);
}
