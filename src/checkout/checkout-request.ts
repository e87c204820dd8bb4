import { z } from 'zod';
import { errors } from '../platform/errors.js';
import { cleanText } from '../platform/text.js';
import { isCurrency } from '../orders/currencies.js';
import type { Partner } from '../partners/partners.js';
import { checkoutErrors } from './checkout-errors.js';

/**
 * What a partner sends to open a checkout, checked before anything is stored. Money is integer minor units and
 * nothing else: a fraction, a string, a negative or an amount past the ceiling is refused by name, and the total
 * must be exactly the sum of the lines (computed in bigint, so no sum can round).
 */
export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 999;
/** 10^10 minor units ($100,000,000.00): far above any real basket, far below 2^53. */
export const MAX_AMOUNT = 10_000_000_000;
const NAME_MAX = 200;

export const checkoutSessionSchema = z
  .object({
    amount: z.unknown(),
    currency: z.string().max(10),
    items: z.array(z.unknown()).max(MAX_ITEMS * 10),
    return_url: z.string().max(2000),
  })
  .strict();

export interface CheckoutItem {
  name: string;
  quantity: number;
  unit_amount: number;
}

export interface CheckoutDraft {
  amount: number;
  currency: string;
  items: CheckoutItem[];
  returnUrl: string;
}

export function checkCheckoutRequest(body: z.infer<typeof checkoutSessionSchema>, partner: Partner): CheckoutDraft {
  const problems: Record<string, string> = {};
  const amount = wholeAmount(body.amount, 1, MAX_AMOUNT);
  if (amount === null) problems.amount = `Use a whole number of minor units from 1 to ${MAX_AMOUNT} (1234 for $12.34), as a JSON number.`;
  if (!isCurrency(body.currency)) problems.currency = 'Use an ISO 4217 code in capitals, such as USD.';
  if (body.items.length === 0 || body.items.length > MAX_ITEMS) problems.items = `Send 1 to ${MAX_ITEMS} items.`;
  const items = body.items.slice(0, MAX_ITEMS).map((item, index) => checkItem(item, `items.${index}`, problems));
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);

  const sum = items.reduce((total, item) => total + BigInt(item!.quantity) * BigInt(item!.unit_amount), 0n);
  if (sum !== BigInt(amount!)) throw checkoutErrors.amountMismatch(sum.toString());
  return { amount: amount!, currency: body.currency, items: items as CheckoutItem[], returnUrl: checkReturnUrl(body.return_url, partner) };
}

function checkItem(raw: unknown, path: string, problems: Record<string, string>): CheckoutItem | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems[path] = 'Each item is an object: { name, quantity, unit_amount }.';
    return null;
  }
  const { name, quantity, unit_amount: unitAmount, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) problems[`${path}.${unknown.slice(0, 40)}`] = 'This field is not recognised.';
  const cleanName = typeof name === 'string' ? cleanText(name, NAME_MAX) : { problem: 'required' as const };
  if (typeof cleanName !== 'string') problems[`${path}.name`] = `Give the item a name of 1 to ${NAME_MAX} characters, without control characters.`;
  const qty = wholeAmount(quantity, 1, MAX_QUANTITY);
  if (qty === null) problems[`${path}.quantity`] = `Use a whole number from 1 to ${MAX_QUANTITY}.`;
  const unit = wholeAmount(unitAmount, 0, MAX_AMOUNT);
  if (unit === null) problems[`${path}.unit_amount`] = `Use a whole number of minor units from 0 to ${MAX_AMOUNT}.`;
  if (typeof cleanName !== 'string' || qty === null || unit === null) return null;
  return { name: cleanName, quantity: qty, unit_amount: unit };
}

/** A JSON number that is a whole number in range; "100", 1.5, 1e400, NaN and true are not. */
export function wholeAmount(value: unknown, min: number, max: number): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? value : null;
}

/**
 * Where the customer is sent back: only a URL on the origin of one of the partner's registered redirect URIs
 * (scheme, host and port exactly), so a checkout can never be turned into an open redirect to another site.
 * The URL is re-serialised by the WHATWG parser, so what is stored is what a browser would follow.
 */
export function checkReturnUrl(value: string, partner: Partner): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw checkoutErrors.returnUrlInvalid();
  }
  const origins = new Set(partner.redirectUris.map((uri) => new URL(uri).origin));
  if (url.origin === 'null' || !origins.has(url.origin) || url.username || url.password || url.hash || value.includes('#')) {
    throw checkoutErrors.returnUrlInvalid();
  }
  if (url.searchParams.has('checkout_session')) throw checkoutErrors.returnUrlInvalid();
  return url.href;
}

/** The return URL with the session id added: the only thing the customer's browser carries back. */
export function returnLocation(returnUrl: string, sessionId: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('checkout_session', sessionId);
  return url.href;
}
