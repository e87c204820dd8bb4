import { minorUnitExponent, toDecimalString } from './currencies.js';

/**
 * Showing money. Amounts stay integer minor units (cents, pence, yen) everywhere; the decimal point appears only
 * here, at the edge, and never through a float: 0.1 + 0.2 is not 0.3, and a total off by a cent is a wrong total.
 */
const LOCALE = 'en-US';
const formatters = new Map<string, Intl.NumberFormat>();

/** 123456 USD → "$1,234.56"; 500 JPY → "¥500"; 1234 KWD → "KWD 1.234". A bigint is a sum beyond 2^53, shown exactly. */
export function formatMoney(amount: number | bigint, currency: string): string {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) throw new Error('money amounts are safe integers of minor units');
  let formatter = formatters.get(currency);
  if (!formatter) {
    // The stored exponent (ISO 4217) decides the digits, not Intl's (CLDR rounds a few, e.g. HUF, for cash).
    const digits = minorUnitExponent(currency);
    formatter = new Intl.NumberFormat(LOCALE, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(currency, formatter);
  }
  // Intl reads a decimal string exactly (ECMA-402 "Intl.NumberFormat v3"); a Number would go through binary first.
  return formatter.format(toDecimalString(amount, currency) as unknown as number);
}

/** How every JSON answer carries an amount: exact minor units for programs, the formatted text for people. */
export interface MoneyJson {
  /**
   * Integer minor units. A sum beyond Number.MAX_SAFE_INTEGER (only spending totals get there) is a string of
   * digits instead: most JSON parsers read numbers as doubles and would round it.
   */
  amount: number | string;
  currency: string;
  formatted: string;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function moneyJson(amount: number | bigint, currency: string): MoneyJson {
  const exact = typeof amount === 'number' ? amount : amount <= MAX_SAFE && amount >= -MAX_SAFE ? Number(amount) : amount.toString();
  return { amount: exact, currency, formatted: formatMoney(amount, currency) };
}
