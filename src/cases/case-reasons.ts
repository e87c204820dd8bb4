import type { OrderCaseKind, OrderCaseStatus } from '../platform/db/schema.js';

/**
 * Why a customer asks for a return or opens a dispute: a short code the store's systems can act on, and the
 * words the customer chose it by. The store sees the code through its API; the customer sees the words.
 */
export const RETURN_REASONS = {
  no_longer_needed: 'I no longer need it',
  damaged: 'It arrived damaged',
  defective: "It's faulty or doesn't work",
  wrong_item: 'I received the wrong item',
  not_as_described: "It's not as described",
  arrived_late: 'It arrived too late',
  other: 'Another reason',
} as const;

export const DISPUTE_REASONS = {
  not_delivered: "My order didn't arrive",
  wrong_item: 'I received the wrong item',
  damaged: 'It arrived damaged',
  missing_items: 'Items are missing from my order',
  charged_incorrectly: 'I was charged the wrong amount',
  charged_twice: 'I was charged more than once',
  not_as_described: "It's not as described",
  other: 'Something else',
} as const;

export type ReturnReason = keyof typeof RETURN_REASONS;
export type DisputeReason = keyof typeof DISPUTE_REASONS;

/** The one reason a fraud report has: the customer doesn't recognise the order. */
export const FRAUD_REASON = 'not_recognised';

export function isReturnReason(value: string): value is ReturnReason {
  return Object.hasOwn(RETURN_REASONS, value);
}

export function isDisputeReason(value: string): value is DisputeReason {
  return Object.hasOwn(DISPUTE_REASONS, value);
}

export const CASE_KIND_LABELS: Record<OrderCaseKind, string> = {
  return: 'Return request',
  dispute: 'Problem with order',
  fraud_report: 'Order not recognised',
};

export const CASE_STATUS_LABELS: Record<OrderCaseStatus, string> = {
  open: 'Waiting for the store',
  accepted: 'Accepted',
  refused: 'Refused',
  resolved: 'Resolved',
};

export function reasonLabel(kind: OrderCaseKind, reason: string): string {
  if (kind === 'return' && isReturnReason(reason)) return RETURN_REASONS[reason];
  if (kind === 'dispute' && isDisputeReason(reason)) return DISPUTE_REASONS[reason];
  if (kind === 'fraud_report') return "I don't recognise this order";
  return reason;
}
