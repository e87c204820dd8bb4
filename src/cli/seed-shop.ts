import { DAY } from '../platform/clock.js';
import type { Db } from '../platform/db/connect.js';
import type { OrderStatus } from '../platform/db/schema.js';
import { bulkInsert, type ColumnType } from './bulk-insert.js';
import { CATALOGUE, CONSUMABLES, FIRST_NAMES, HOMES, LAST_NAMES, TEST_CARDS, priceIn, randomSource, type Home, type Product } from './seed-catalogue.js';

/**
 * Seeds what customers of a shop have: an address or two, usually a saved card, and an order history — for
 * accounts that already exist. Orders are spread unevenly (some customers order often, some never), a share of
 * customers reorder a consumable every few weeks (recurring purchases), and statuses follow age: old orders were
 * delivered, cancelled, returned or refunded; recent ones are still on their way.
 *
 * Speed at 10,000,000 orders comes from insertion order: accounts are taken in id order and order ids, numbers and
 * idempotency keys count up, so every index is appended to rather than split at random.
 */
const BATCH = 20_000;
const ORDER_ID_PREFIX = 'so';

const ADDRESS_COLUMNS: Array<[string, ColumnType]> = [
  ['id', 'text'], ['account_id', 'text'], ['full_name', 'text'], ['line1', 'text'], ['line2', 'text'], ['city', 'text'], ['region', 'text'],
  ['postal_code', 'text'], ['country', 'text'], ['phone', 'text'], ['is_default_shipping', 'integer'], ['is_default_billing', 'integer'],
  ['created_at', 'bigint'], ['updated_at', 'bigint'],
];
const CARD_COLUMNS: Array<[string, ColumnType]> = [
  ['id', 'text'], ['account_id', 'text'], ['gateway', 'text'], ['gateway_token', 'text'], ['brand', 'text'], ['last4', 'text'], ['exp_month', 'integer'],
  ['exp_year', 'integer'], ['fingerprint', 'text'], ['billing_address', 'text'], ['is_default', 'integer'], ['expiry_reminder_sent_at', 'bigint'], ['created_at', 'bigint'],
];
const ORDER_COLUMNS: Array<[string, ColumnType]> = [
  ['id', 'text'], ['number', 'text'], ['account_id', 'text'], ['store_key_id', 'text'], ['idempotency_key', 'text'], ['request_hash', 'text'],
  ['status', 'text'], ['currency', 'text'], ['subtotal', 'bigint'], ['shipping_total', 'bigint'], ['tax_total', 'bigint'], ['total', 'bigint'],
  ['item_count', 'integer'], ['item_titles', 'text'], ['shipping_address', 'text'], ['card_id', 'text'], ['card_brand', 'text'], ['card_last4', 'text'],
  ['placed_at', 'bigint'], ['paid_at', 'bigint'], ['shipped_at', 'bigint'], ['delivered_at', 'bigint'], ['cancelled_at', 'bigint'],
  ['returned_at', 'bigint'], ['refunded_at', 'bigint'], ['fraud_reported_at', 'bigint'], ['updated_at', 'bigint'],
];
const ITEM_COLUMNS: Array<[string, ColumnType]> = [
  ['id', 'text'], ['order_id', 'text'], ['account_id', 'text'], ['position', 'integer'], ['sku', 'text'], ['title', 'text'], ['quantity', 'integer'],
  ['unit_price', 'bigint'], ['line_total', 'bigint'], ['placed_at', 'bigint'],
];

export interface ShopSeedResult {
  addresses: number;
  cards: number;
  orders: number;
  items: number;
}

interface Customer {
  accountId: string;
  name: string;
  home: Home;
  addressJson: string;
  card: { id: string; brand: string; last4: string } | null;
}

interface Batches {
  addresses: unknown[][];
  cards: unknown[][];
  orders: unknown[][];
  items: unknown[][];
}

/**
 * Gives `orders` orders in total to `accountIds` (plus an address each, and a card to most). `firstOrder` numbers
 * the orders so a second run adds to the first instead of colliding with it.
 */
export async function seedShop(
  db: Db,
  options: { accountIds: string[]; orders: number; now: number; firstOrder: number; withWallet: boolean; onOrders?: (orders: number, rows: number) => void },
): Promise<ShopSeedResult> {
  const accounts = [...options.accountIds].sort();
  const random = randomSource(0x5eed + options.firstOrder);
  const result: ShopSeedResult = { addresses: 0, cards: 0, orders: 0, items: 0 };
  let batches: Batches = { addresses: [], cards: [], orders: [], items: [] };
  let sequence = options.firstOrder;
  let remaining = options.orders;

  const flush = async () => {
    await bulkInsert(db, 'addresses', ADDRESS_COLUMNS, batches.addresses);
    await bulkInsert(db, 'cards', CARD_COLUMNS, batches.cards);
    await bulkInsert(db, 'orders', ORDER_COLUMNS, batches.orders);
    await bulkInsert(db, 'order_items', ITEM_COLUMNS, batches.items);
    result.addresses += batches.addresses.length;
    result.cards += batches.cards.length;
    result.orders += batches.orders.length;
    result.items += batches.items.length;
    batches = { addresses: [], cards: [], orders: [], items: [] };
    options.onOrders?.(result.orders, result.addresses + result.cards + result.orders + result.items);
  };

  for (let index = 0; index < accounts.length; index++) {
    const customer = addCustomer(accounts[index]!, random, options.now, options.withWallet ? batches : undefined);
    // Uneven on purpose (between none and three times the mean), steered so the total comes out exact.
    const accountsLeft = accounts.length - index;
    const mean = remaining / accountsLeft;
    const count = accountsLeft === 1 ? remaining : Math.min(remaining, Math.floor(random() * random() * 4 * mean + 0.5));
    remaining -= count;
    const recurring = count >= 4 && random() < 0.4 ? CONSUMABLES[Math.floor(random() * CONSUMABLES.length)]! : null;
    for (let n = 0; n < count; n++) {
      addOrder(customer, sequence++, n, recurring, random, options.now, batches);
    }
    if (batches.orders.length >= BATCH) await flush();
  }
  await flush();
  return result;
}

/** Without `batches` the customer already has a wallet from an earlier run: only their orders are added. */
function addCustomer(accountId: string, random: () => number, now: number, batches: Batches | undefined): Customer {
  const home = HOMES[Math.floor(random() * HOMES.length)]!;
  const name = `${FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]} ${LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]}`;
  const line1 = `${1 + Math.floor(random() * 400)} ${home.street}`;
  const phone = `${home.phonePrefix}${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
  const created = now - Math.floor(random() * 1000) * DAY;
  batches?.addresses.push([`sa${accountId}`, accountId, name, line1, null, home.city, home.region, home.postalCode, home.country, phone, 1, 1, created, created]);
  const addressJson = JSON.stringify({
    full_name: name, line1, line2: null, city: home.city, region: home.region, postal_code: home.postalCode, country: home.country, phone,
  });
  let card: Customer['card'] = null;
  if (batches && random() < 0.75) {
    const test = TEST_CARDS[Math.floor(random() * TEST_CARDS.length)]!;
    const expYear = new Date(now).getUTCFullYear() + Math.floor(random() * 5) - 1;
    card = { id: `sc${accountId}`, brand: test.brand, last4: test.last4 };
    batches.cards.push([
      card.id, accountId, 'sandbox', `seeded-${accountId}`, test.brand, test.last4, 1 + Math.floor(random() * 12), expYear,
      `seeded-${accountId}`, addressJson, 1, null, created,
    ]);
  }
  return { accountId, name, home, addressJson, card };
}

function addOrder(
  customer: Customer,
  sequence: number,
  n: number,
  recurring: Product | null,
  random: () => number,
  now: number,
  batches: Batches,
): void {
  // A recurring customer's every other order is the same consumable, about every four weeks back from today.
  const isRepeat = recurring !== null && n % 2 === 0;
  const placedAt = isRepeat
    ? now - (n / 2) * 28 * DAY - Math.floor(random() * 3 * DAY) - DAY
    : now - Math.floor(random() * 3 * 365 * DAY) - Math.floor(random() * DAY);
  const products = isRepeat ? [recurring] : pickProducts(random);
  const currency = customer.home.currency;
  const orderId = `${ORDER_ID_PREFIX}${sequence.toString(36).padStart(10, '0')}`;
  let subtotal = 0;
  const titles: string[] = [];
  products.forEach((product, position) => {
    const quantity = product.consumable ? 1 + Math.floor(random() * 2) : 1 + Math.floor(random() * random() * 3);
    const unitPrice = priceIn(currency, product.price);
    subtotal += unitPrice * quantity;
    titles.push(product.title.toLowerCase());
    batches.items.push([`${orderId}i${position}`, orderId, customer.accountId, position, product.sku, product.title, quantity, unitPrice, unitPrice * quantity, placedAt]);
  });
  const shipping = subtotal >= priceIn(currency, 3500) ? 0 : priceIn(currency, 499);
  const tax = customer.home.country === 'US' ? Math.round(subtotal * 0.0825) : 0;
  const times = statusTimes(placedAt, now, random);
  const number = `9${String(Math.floor(sequence / 1e14) % 100).padStart(2, '0')}-${String(Math.floor(sequence / 1e7) % 1e7).padStart(7, '0')}-${String(sequence % 1e7).padStart(7, '0')}`;
  batches.orders.push([
    orderId, number, customer.accountId, 'seed', `seed-${orderId}`, 'seeded', times.status, currency, subtotal, shipping, tax, subtotal + shipping + tax,
    products.length, titles.join('\n'), customer.addressJson, customer.card?.id ?? null, customer.card?.brand ?? null, customer.card?.last4 ?? null,
    placedAt, times.paid, times.shipped, times.delivered, times.cancelled, times.returned, times.refunded, null, times.updated,
  ]);
}

function pickProducts(random: () => number): Product[] {
  const count = 1 + Math.floor(random() * random() * 3);
  const chosen = new Map<string, Product>();
  while (chosen.size < count) {
    const product = CATALOGUE[Math.floor(random() * CATALOGUE.length)]!;
    chosen.set(product.sku, product);
  }
  return [...chosen.values()];
}

/** Old orders are settled; young ones are still moving. Each timestamp follows the one before it. */
function statusTimes(placedAt: number, now: number, random: () => number) {
  const age = now - placedAt;
  const paid = placedAt + 5 * 60_000;
  const shipped = paid + DAY;
  const delivered = shipped + 2 * DAY;
  const none = { paid: null, shipped: null, delivered: null, cancelled: null, returned: null, refunded: null } as Record<string, number | null>;
  const roll = random();
  let status: OrderStatus;
  let times: Record<string, number | null>;
  if (age < 10 * 60_000) [status, times] = ['placed', { ...none }];
  else if (age < DAY) [status, times] = roll < 0.05 ? ['cancelled', { ...none, cancelled: placedAt + 30 * 60_000 }] : ['paid', { ...none, paid }];
  else if (age < 3 * DAY) [status, times] = ['shipped', { ...none, paid, shipped }];
  else if (roll < 0.04) [status, times] = ['cancelled', { ...none, cancelled: placedAt + 30 * 60_000 }];
  else if (roll < 0.07) [status, times] = ['returned', { ...none, paid, shipped, delivered, returned: delivered + 9 * DAY }];
  else if (roll < 0.09) [status, times] = ['refunded', { ...none, paid, shipped, delivered, returned: delivered + 9 * DAY, refunded: delivered + 11 * DAY }];
  else [status, times] = ['delivered', { ...none, paid, shipped, delivered }];
  const updated = Math.max(placedAt, ...Object.values(times).map((t) => t ?? 0));
  return { status, ...times, updated } as { status: OrderStatus; paid: number | null; shipped: number | null; delivered: number | null; cancelled: number | null; returned: number | null; refunded: number | null; updated: number };
}

/** How many seeded orders exist already, so a second run continues the numbering. */
export async function existingSeedOrders(db: Db): Promise<number> {
  const row = await db.kysely
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('idempotency_key', '>=', 'seed-')
    .where('idempotency_key', '<', 'seed.')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
