import { z } from 'zod';
import { isProblem, parseEmail, parsePhone, type ParsedIdentifier } from '../accounts/identifiers.js';
import { AppError, errors } from '../platform/errors.js';
import { text } from '../platform/http/validation.js';
import { cleanText } from '../platform/text.js';
import { parsePostalAddress, type PostalAddress } from '../wallet/addresses/postal-address.js';
import { isCurrency } from './currencies.js';
import { isIdempotencyKey, requestHash } from './idempotency.js';
import { instantProblem, parseInstant } from './instant.js';

/**
 * The body of "create an order", checked in two passes. The schema refuses unknown fields and wrong types; then
 * every value rule is checked and reported at once, by its full path ('items.2.quantity'), as a 400. Only a
 * body that is well formed is compared with itself: totals that don't add up are a 422 naming the total.
 *
 * Amounts are integers of minor units no larger than Number.MAX_SAFE_INTEGER, so every amount a JSON number
 * can carry exactly is stored exactly; sums are done in BigInt so an overflow is seen, not rounded away.
 */
const item = z.object({ sku: text(1000), title: text(4000), quantity: z.number(), unit_price: z.number() }).strict();

export const orderRequestSchema = z
  .object({
    idempotency_key: text(1000).optional(),
    customer: z.object({ email: text(1000).optional(), phone: text(1000).optional() }).strict(),
    currency: text(100),
    items: z.array(item),
    shipping_address: z.unknown().optional().describe('full_name, line1, line2, city, region, postal_code, country (ISO 3166-1 alpha-2), phone'),
    payment_method: z.object({ card_id: text(1000) }).strict().optional(),
    totals: z.object({ subtotal: z.number(), shipping: z.number(), tax: z.number(), total: z.number() }).strict(),
    placed_at: text(100).optional(),
  })
  .strict();

export type OrderRequest = z.infer<typeof orderRequestSchema>;

export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 999;
const SKU_MAX = 64;
const TITLE_MAX = 200;

export interface OrderLine {
  sku: string;
  title: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export interface OrderDraft {
  idempotencyKey: string;
  /** SHA-256 of the canonical body without the idempotency key. */
  requestHash: string;
  customer: ParsedIdentifier;
  currency: string;
  lines: OrderLine[];
  shippingAddress: PostalAddress;
  cardId: string | null;
  totals: { subtotal: number; shipping: number; tax: number; total: number };
  /** Null: placed now. */
  placedAt: number | null;
}

export function checkOrderRequest(body: OrderRequest, headerKey: string | undefined, options: { now: number; phoneRegion: string }): OrderDraft {
  const problems: Record<string, string> = {};
  const idempotencyKey = checkIdempotencyKey(body.idempotency_key, headerKey, problems);
  const customer = checkCustomer(body.customer, options.phoneRegion, problems);
  if (!/^[A-Z]{3}$/.test(body.currency) || !isCurrency(body.currency)) {
    problems.currency = 'Use an ISO 4217 currency code in capitals, like USD, EUR or JPY.';
  }
  const lines = checkLines(body.items, problems);
  const totals = checkTotals(body.totals, problems);
  const shippingAddress = checkAddress(body.shipping_address, problems);
  if (body.placed_at !== undefined) {
    const problem = instantProblem(body.placed_at, options.now);
    if (problem) problems.placed_at = problem;
  }
  const cardId = body.payment_method?.card_id ?? null;
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);

  checkArithmetic(lines!, totals!);
  const { idempotency_key: _key, ...hashed } = body;
  return {
    idempotencyKey: idempotencyKey!,
    requestHash: requestHash(hashed),
    customer: customer!,
    currency: body.currency,
    lines: lines!,
    shippingAddress: shippingAddress!,
    cardId,
    totals: totals!,
    placedAt: body.placed_at === undefined ? null : parseInstant(body.placed_at),
  };
}

function checkIdempotencyKey(fromBody: string | undefined, fromHeader: string | undefined, problems: Record<string, string>): string | undefined {
  if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
    problems.idempotency_key = 'The Idempotency-Key header and idempotency_key in the body differ; send one of them.';
    return undefined;
  }
  const key = fromBody ?? fromHeader;
  if (key === undefined) problems.idempotency_key = 'Send an idempotency key (the Idempotency-Key header or idempotency_key), so a retry never places a second order.';
  else if (!isIdempotencyKey(key)) problems.idempotency_key = 'Use 1 to 100 printable ASCII characters, not starting or ending with a space.';
  return key;
}

function checkCustomer(input: OrderRequest['customer'], phoneRegion: string, problems: Record<string, string>): ParsedIdentifier | undefined {
  if ((input.email === undefined) === (input.phone === undefined)) {
    problems.customer = 'Name the customer by exactly one of email or phone.';
    return undefined;
  }
  const parsed = input.email !== undefined ? parseEmail(input.email) : parsePhone(input.phone!, phoneRegion);
  if (!isProblem(parsed)) return parsed;
  if (input.email !== undefined) problems['customer.email'] = 'This is not an email address.';
  else problems['customer.phone'] = 'This is not a phone number in E.164 form, like +14155550132.';
  return undefined;
}

function checkLines(items: OrderRequest['items'], problems: Record<string, string>): OrderLine[] | undefined {
  if (items.length < 1 || items.length > MAX_ITEMS) {
    problems.items = `Send from 1 to ${MAX_ITEMS} items.`;
    return undefined;
  }
  const lines: OrderLine[] = [];
  items.forEach((item, i) => {
    const at = `items.${i}.`;
    const sku = checkLabel(item.sku, SKU_MAX, at + 'sku', problems);
    const title = checkLabel(item.title, TITLE_MAX, at + 'title', problems);
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      problems[at + 'quantity'] = `Use a whole number from 1 to ${MAX_QUANTITY}.`;
    }
    if (!isAmount(item.unit_price)) problems[at + 'unit_price'] = amountRule;
    if (sku === undefined || title === undefined || problems[at + 'quantity'] || problems[at + 'unit_price']) return;
    const lineTotal = BigInt(item.quantity) * BigInt(item.unit_price);
    if (lineTotal > MAX) problems[at + 'unit_price'] = `quantity × unit_price ${tooLarge}`;
    else lines.push({ sku, title, quantity: item.quantity, unitPrice: item.unit_price, lineTotal: Number(lineTotal) });
  });
  return lines.length === items.length ? lines : undefined;
}

function checkLabel(input: string, max: number, field: string, problems: Record<string, string>): string | undefined {
  const cleaned = cleanText(input, max);
  if (typeof cleaned === 'string') return cleaned;
  problems[field] =
    cleaned.problem === 'required' ? 'This field is required.'
    : cleaned.problem === 'too_long' ? `This field can be at most ${max} characters.`
    : 'This field contains control or invisible formatting characters.';
  return undefined;
}

function checkTotals(totals: OrderRequest['totals'], problems: Record<string, string>): OrderDraft['totals'] | undefined {
  for (const [name, value] of Object.entries(totals)) if (!isAmount(value)) problems[`totals.${name}`] = amountRule;
  return Object.values(totals).every(isAmount) ? totals : undefined;
}

function checkAddress(input: unknown, problems: Record<string, string>): PostalAddress | undefined {
  try {
    return parsePostalAddress(input, 'shipping_address.');
  } catch (error) {
    if (!(error instanceof AppError) || !error.fields) throw error;
    Object.assign(problems, error.fields);
    return undefined;
  }
}

/** Overflow is a malformed request (400); sums that don't match are a disagreement about the order (422). */
function checkArithmetic(lines: OrderLine[], totals: OrderDraft['totals']): void {
  const subtotal = lines.reduce((sum, line) => sum + BigInt(line.lineTotal), 0n);
  if (subtotal > MAX) throw errors.invalidInput({ items: `The items add up to an amount that ${tooLarge}` });
  const total = BigInt(totals.subtotal) + BigInt(totals.shipping) + BigInt(totals.tax);
  if (total > MAX) throw errors.invalidInput({ 'totals.total': `subtotal + shipping + tax ${tooLarge}` });
  const mismatched: Record<string, string> = {};
  if (subtotal !== BigInt(totals.subtotal)) mismatched['totals.subtotal'] = `The items add up to ${subtotal}, not ${totals.subtotal}.`;
  if (total !== BigInt(totals.total)) mismatched['totals.total'] = `subtotal + shipping + tax is ${total}, not ${totals.total}.`;
  if (Object.keys(mismatched).length > 0) {
    throw errors.orderTotalsMismatch(mismatched);
  }
}

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const amountRule = `Use a whole number of minor units from 0 to ${Number.MAX_SAFE_INTEGER} (e.g. 1999 for 19.99 USD).`;
const isAmount = (value: number) => Number.isSafeInteger(value) && value >= 0;
const tooLarge = `exceeds ${Number.MAX_SAFE_INTEGER} minor units, the largest amount kept exactly.`;
