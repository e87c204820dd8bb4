/**
 * What seeded shopping looks like: a small catalogue, customers' home towns, and the cards they pay with. Amounts
 * are integer minor units of the currency the customer shops in. Everything here is invented (example.test, test
 * card ranges, made-up streets); none of it can reach a real person or a real card.
 */
export interface Product {
  sku: string;
  title: string;
  /** Minor units in USD; other currencies scale it (see priceIn). */
  price: number;
  /** Bought again and again (coffee, filters, pet food): seeded customers reorder these on a schedule. */
  consumable: boolean;
}

const NOUNS: Array<[string, number, boolean]> = [
  ['Whole Bean Coffee, 1 kg', 2499, true],
  ['Water Filter Cartridges, 3-pack', 3299, true],
  ['Dry Cat Food, 4 kg', 3899, true],
  ['Vitamin D3 Softgels, 180', 1499, true],
  ['Dishwasher Tablets, 90', 2199, true],
  ['Organic Green Tea, 100 bags', 1199, true],
  ['Razor Blade Refills, 8', 2799, true],
  ['Printer Ink, Black XL', 4599, true],
  ['Noise-Cancelling Headphones', 24999, false],
  ['Stainless Steel Water Bottle', 2495, false],
  ['Cast Iron Skillet, 26 cm', 3990, false],
  ['USB-C Charging Cable, 2 m', 1299, false],
  ['Paperback: The Quiet Harbour', 1699, false],
  ['Running Shoes', 11900, false],
  ['Wool Beanie', 2200, false],
  ['LED Desk Lamp', 4599, false],
  ['Mechanical Keyboard', 8999, false],
  ['Yoga Mat, 6 mm', 3499, false],
  ['Board Game: Harbour Lights', 4499, false],
  ['Electric Kettle, 1.7 L', 5999, false],
  ['Bamboo Cutting Board', 2899, false],
  ['Wireless Mouse', 2999, false],
  ['Children\'s Picture Book', 1299, false],
  ['Garden Hose, 25 m', 3999, false],
];
const VARIANTS = ['', ' — Blue', ' — Black', ' — Large', ' — Small', ' — Gift Edition', ' — Pack of 2', ' — Green'];

export const CATALOGUE: Product[] = NOUNS.flatMap(([title, price, consumable], n) =>
  (consumable ? [''] : VARIANTS).map((variant, v) => ({
    sku: `SKU-${String(n).padStart(3, '0')}-${v}`,
    title: title + variant,
    price: price + v * 100,
    consumable,
  })),
);
export const CONSUMABLES = CATALOGUE.filter((p) => p.consumable);

export interface Home {
  country: string;
  currency: string;
  city: string;
  region: string | null;
  postalCode: string;
  street: string;
  phonePrefix: string;
}

export const HOMES: Home[] = [
  { country: 'US', currency: 'USD', city: 'Portland', region: 'OR', postalCode: '97205', street: 'SW Salmon St', phonePrefix: '+1503555' },
  { country: 'US', currency: 'USD', city: 'Austin', region: 'TX', postalCode: '78701', street: 'Congress Ave', phonePrefix: '+1512555' },
  { country: 'US', currency: 'USD', city: 'Brooklyn', region: 'NY', postalCode: '11201', street: 'Atlantic Ave', phonePrefix: '+1718555' },
  { country: 'GB', currency: 'GBP', city: 'London', region: null, postalCode: 'SW1A 1AA', street: 'Harbour Lane', phonePrefix: '+44207946' },
  { country: 'DE', currency: 'EUR', city: 'Berlin', region: null, postalCode: '10115', street: 'Invalidenstraße', phonePrefix: '+4930901' },
  { country: 'FR', currency: 'EUR', city: 'Lyon', region: null, postalCode: '69002', street: 'Rue de la République', phonePrefix: '+33478' },
  { country: 'CA', currency: 'CAD', city: 'Toronto', region: 'ON', postalCode: 'M5V 2T6', street: 'King St W', phonePrefix: '+1416555' },
  { country: 'AU', currency: 'AUD', city: 'Sydney', region: 'NSW', postalCode: '2000', street: 'George St', phonePrefix: '+61291' },
  { country: 'NL', currency: 'EUR', city: 'Amsterdam', region: null, postalCode: '1012 AB', street: 'Damrak', phonePrefix: '+3120' },
  { country: 'JP', currency: 'JPY', city: 'Shibuya-ku', region: 'Tokyo', postalCode: '150-0002', street: '2-21-1 Shibuya', phonePrefix: '+8135' },
];

/** JPY has no minor unit; the others have two. Prices are set in USD cents and converted at a fixed rate. */
const RATE: Record<string, number> = { USD: 1, GBP: 0.8, EUR: 0.92, CAD: 1.36, AUD: 1.5, JPY: 1.5 };

export function priceIn(currency: string, usdCents: number): number {
  return Math.round(usdCents * RATE[currency]!);
}

export const TEST_CARDS = [
  { brand: 'visa', last4: '4242' },
  { brand: 'mastercard', last4: '4444' },
  { brand: 'amex', last4: '8431' },
  { brand: 'discover', last4: '1117' },
];

export const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Hedy', 'Linus', 'Margaret', 'Tim', 'Radia', 'Ken', 'Barbara', 'Yukihiro', 'Sophie'];
export const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Lamarr', 'Torvalds', 'Hamilton', 'Berners-Lee', 'Perlman', 'Thompson', 'Liskov', 'Matsumoto', 'Wilson'];

/** A small, fast, seedable generator (mulberry32): the same seed gives the same shop every run. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
