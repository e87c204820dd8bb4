import { randomDigits } from '../platform/crypto.js';
import type { Random } from '../platform/random.js';

/**
 * The number a customer, the shop and support quote: "112-4820193-5567012", 17 digits from the CSPRNG. Random
 * rather than sequential, so a number says nothing about how many orders the shop takes and can't be guessed
 * from a neighbour's. Uniqueness is the unique index's job; the caller draws again on the rare collision.
 */
const SHAPE = /^\d{3}-\d{7}-\d{7}$/;

export function newOrderNumber(random: Random): string {
  return `${randomDigits(random, 3)}-${randomDigits(random, 7)}-${randomDigits(random, 7)}`;
}

/** Checked before any query, so a hostile path segment never reaches the database. */
export function isOrderNumber(value: unknown): value is string {
  return typeof value === 'string' && SHAPE.test(value);
}
