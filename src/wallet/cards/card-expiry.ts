import { DAY } from '../../platform/clock.js';

/**
 * When a card stops working, by the calendar the card networks use: a card marked 04/29 is good until the last
 * moment of April 2029 (in UTC here, so every instance and every test agrees).
 */
export const EXPIRES_SOON_WINDOW_MS = 30 * DAY;

export type ExpiryStatus = 'valid' | 'expires_soon' | 'expired';

/** The first moment the card no longer works: the start of the month after its expiry month. */
export function cardExpiresAt(expMonth: number, expYear: number): number {
  return Date.UTC(expYear, expMonth, 1);
}

export function expiryStatus(card: { expMonth: number; expYear: number }, now: number): ExpiryStatus {
  const expiresAt = cardExpiresAt(card.expMonth, card.expYear);
  if (expiresAt <= now) return 'expired';
  return expiresAt - now <= EXPIRES_SOON_WINDOW_MS ? 'expires_soon' : 'valid';
}

/** Later expiry wins: a card re-entered with a newer date updates the saved one. */
export function isLaterExpiry(a: { expMonth: number; expYear: number }, b: { expMonth: number; expYear: number }): boolean {
  return a.expYear * 12 + a.expMonth > b.expYear * 12 + b.expMonth;
}

/** "04/29", as printed on the card. */
export function formatExpiry(card: { expMonth: number; expYear: number }): string {
  return `${String(card.expMonth).padStart(2, '0')}/${String(card.expYear % 100).padStart(2, '0')}`;
}

/**
 * The (year, month) expiry dates whose cards stop working within `windowMs` of `now`: at most two, so the
 * reminder job reads them through the (exp_year, exp_month) index instead of scanning every card.
 */
export function monthsExpiringWithin(now: number, windowMs: number): Array<{ year: number; month: number }> {
  const months: Array<{ year: number; month: number }> = [];
  const today = new Date(now);
  for (let i = 0; ; i++) {
    const index = today.getUTCMonth() + i;
    const year = today.getUTCFullYear() + Math.floor(index / 12);
    const month = (index % 12) + 1;
    // Months from this one on all end after now; stop at the first that ends beyond the window.
    if (cardExpiresAt(month, year) > now + windowMs) break;
    months.push({ year, month });
  }
  return months;
}
