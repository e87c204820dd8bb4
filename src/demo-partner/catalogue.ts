import type { CartItem } from './custos-api.js';

/** The shop's whole stock, and every cart's contents: two items, so a newcomer pays a realistic total. */
export const CURRENCY = 'USD';

export const CART: readonly CartItem[] = [
  { name: 'Alpine Trail Daypack, 22 L', quantity: 1, unit_amount: 7900 },
  { name: 'Merino Hiking Socks', quantity: 2, unit_amount: 1200 },
];

export function cartTotal(items: readonly CartItem[] = CART): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unit_amount, 0);
}

/** Minor units → "$103.00", with the currency's own number of decimals. */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 10 ** fractionDigits(currency));
}

/** Minor units → "103.00", as a person would type it back. */
export function amountForInput(amount: number, currency: string): string {
  const digits = fractionDigits(currency);
  return (amount / 10 ** digits).toFixed(digits);
}

/**
 * "12.5" or "12.50" → 1250 for a currency with two decimals; undefined for anything else (negative, too many
 * decimals, letters, exponents, or beyond a sensible refund). Parsed as text, never through a float.
 */
export function parseAmount(text: string, currency: string): number | undefined {
  const digits = fractionDigits(currency);
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(text.trim().replace(/^\$/, ''));
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

function fractionDigits(currency: string): number {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits!;
}
