import type { DeclineReason } from '../gateway.js';

/**
 * The industry's test card numbers and what the sandbox does with each: every one is a valid Visa number, so
 * it passes the entry page's checks and the outcome shows at the zero-amount check (and at any charge), the way
 * a real issuer's answer would. Any other valid number succeeds.
 */
export type TestBehaviour = 'succeed' | DeclineReason;

export const TEST_CARDS: ReadonlyArray<{ number: string; behaviour: TestBehaviour; description: string }> = [
  { number: '4242424242424242', behaviour: 'succeed', description: 'Succeeds' },
  { number: '4000000000000002', behaviour: 'generic_decline', description: 'Declined' },
  { number: '4000000000009995', behaviour: 'insufficient_funds', description: 'Declined: insufficient funds' },
  { number: '4000000000000069', behaviour: 'expired_card', description: 'Declined: expired card' },
  { number: '4000000000000127', behaviour: 'incorrect_cvc', description: 'Declined: incorrect security code' },
  { number: '4000000000000119', behaviour: 'processing_error', description: 'Processing error' },
  { number: '4000000000009987', behaviour: 'lost_card', description: 'Declined: card reported lost' },
  { number: '4000000000009979', behaviour: 'stolen_card', description: 'Declined: card reported stolen' },
];

export function testBehaviour(digits: string): TestBehaviour {
  return TEST_CARDS.find((card) => card.number === digits)?.behaviour ?? 'succeed';
}
