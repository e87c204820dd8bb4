/**
 * The payment gateway adapter: what a real gateway (or the built-in sandbox) must offer so Custos can save and
 * use cards without ever holding a card number. The customer types the card on the gateway's own page; Custos
 * only ever sees the token that page hands back, and what the gateway says about it (SECURITY.md "Card data":
 * gateway token + brand, last 4, expiry, fingerprint only).
 */
export interface PaymentGateway {
  /** Stored beside each card, so a token is always sent back to the gateway that issued it. */
  readonly name: string;
  /**
   * Where to send the customer to enter card details, and where the gateway sends them back afterwards with
   * `?setup=<reference>&token=…` (or `&cancelled=1`). `reference` is Custos's setup id; the gateway binds the
   * token it issues to it, so a token can't be carried over into another setup.
   */
  createSetup(input: CardSetupRequest): Promise<{ gatewayUrl: string }>;
  /** The display facts of a tokenised card; throws GatewayTokenError for a token this gateway did not issue. */
  retrieveTokenizedCard(token: string): Promise<TokenizedCard>;
  /** The zero-amount check: does the issuer accept this card? Nothing is charged. */
  verifyCard(token: string): Promise<GatewayOutcome>;
  /**
   * The same idempotency key always answers with the same charge, never a second one; the same key with another
   * token, amount or currency throws GatewayIdempotencyError rather than charging or answering the first charge.
   */
  charge(input: { token: string; amount: number; currency: string; idempotencyKey: string }): Promise<ChargeOutcome>;
  refund(input: { chargeId: string; amount: number }): Promise<RefundOutcome>;
}

export interface CardSetupRequest {
  reference: string;
  /** Built from the configured public URL, never from a request's Host header. */
  returnUrl: string;
  /** The gateway's page stops accepting the setup at this time (ms since the epoch). */
  expiresAt: number;
}

export interface TokenizedCard {
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
  /** Keyed hash of the card number: the same card gives the same value on every account, and nothing more. */
  fingerprint: string;
  /** The setup this token was issued for. */
  setupReference: string;
}

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

const BRAND_NAMES: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  jcb: 'JCB',
  diners: 'Diners Club',
  unionpay: 'UnionPay',
};

export function brandName(brand: string): string {
  return BRAND_NAMES[brand as CardBrand] ?? 'Card';
}

/** Why an issuer or gateway refused a card: a closed set, so every reason has words a customer understands. */
export const DECLINE_REASONS = [
  'generic_decline',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'lost_card',
  'stolen_card',
  'invalid_number',
  'card_not_supported',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export type GatewayOutcome = { ok: true } | { ok: false; declined: DeclineReason };
export type ChargeOutcome = { ok: true; chargeId: string } | { ok: false; declined: DeclineReason };
export type RefundOutcome = { ok: true; refundId: string } | { ok: false; error: 'unknown_charge' | 'amount_too_large' };

/** A token that this gateway did not issue, or that was tampered with. */
export class GatewayTokenError extends Error {}

/** An idempotency key reused for a different charge: a caller's bug, refused so a retry can never charge twice. */
export class GatewayIdempotencyError extends Error {}

export function isDeclineReason(value: unknown): value is DeclineReason {
  return typeof value === 'string' && (DECLINE_REASONS as readonly string[]).includes(value);
}

/**
 * The reason a customer (or an API client) is told. A card reported lost or stolen is answered as a plain
 * decline: telling whoever holds it that the report was seen helps a thief test stolen cards, and card
 * networks ask merchants not to say it.
 */
export function publicDeclineReason(reason: DeclineReason): DeclineReason {
  return reason === 'lost_card' || reason === 'stolen_card' ? 'generic_decline' : reason;
}

const BANK_DECLINED = 'Your bank declined the card. Please use another card, or call the number on the back of the card to ask your bank why.';

const DECLINE_WORDS: Record<DeclineReason, string> = {
  generic_decline: BANK_DECLINED,
  insufficient_funds: 'Your bank declined the card because there is not enough money or credit available on it. Please use another card.',
  expired_card: 'Your bank says this card has expired. Check the expiry date on the card, or use another card.',
  incorrect_cvc: 'The security code does not match this card. Check the 3 digits on the back (4 on the front for American Express) and try again.',
  processing_error: 'We could not check the card because of a problem at the card processor. Nothing was charged. Please try again in a few minutes.',
  lost_card: BANK_DECLINED,
  stolen_card: BANK_DECLINED,
  invalid_number: 'The card number is not valid — check the digits and try again.',
  card_not_supported: 'This type of card is not accepted. Please use Visa, Mastercard, American Express, Discover, JCB, Diners Club or UnionPay.',
};

/** Words for the customer, for any decline reason (lost and stolen read as a plain decline). */
export function declineMessage(reason: DeclineReason): string {
  return DECLINE_WORDS[publicDeclineReason(reason)];
}
