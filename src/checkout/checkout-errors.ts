import { AppError } from '../platform/errors.js';

/** Every answer the partner API and the pay page give when something is refused: a stable code and words for people. */
export const checkoutErrors = {
  amountMismatch: (sum: string) =>
    new AppError(422, 'checkout.amount_mismatch', `amount must equal the sum of quantity × unit_amount over the items (${sum}); nothing was created.`, { amount: `Use ${sum}.` }),
  amountTooLarge: (max: number) =>
    new AppError(422, 'checkout.amount_too_large', `A checkout can be for at most ${max} minor units.`, { amount: `Use at most ${max}.` }),
  currencyUnsupported: () =>
    new AppError(422, 'checkout.currency_invalid', 'currency must be an ISO 4217 code such as USD.', { currency: 'Use an ISO 4217 code such as USD.' }),
  returnUrlInvalid: () =>
    new AppError(422, 'checkout.return_url_invalid', 'return_url must be an absolute URL on the origin of one of your registered redirect URIs.', {
      return_url: 'Use a URL on the origin of one of your registered redirect URIs.',
    }),
  sessionClosed: () => new AppError(409, 'checkout.not_open', 'This checkout has already been approved, declined or has expired.'),
  sessionExpired: () => new AppError(410, 'checkout.expired', 'This checkout has expired. Go back to the shop and start again.'),
  choiceMissing: (fields: Record<string, string>) => new AppError(400, 'request.invalid', 'Choose where to ship and how to pay.', fields),
  permissionInvalid: () => new AppError(422, 'charge.permission_invalid', 'That charge permission is not one this partner holds.', { charge_permission: 'Use the charge_permission from GET /checkout-sessions/{id}.' }),
  permissionUsed: () => new AppError(409, 'charge.permission_used', 'That charge permission was already redeemed; a permission pays once.'),
  permissionExpired: () => new AppError(410, 'charge.permission_expired', 'That charge permission has expired. Ask the customer to pay again.'),
  permissionRevoked: () =>
    new AppError(403, 'charge.permission_revoked', 'The customer removed your site from their account, so the permission no longer pays. Ask them to pay again.'),
  attemptsExhausted: () =>
    new AppError(409, 'charge.attempts_exhausted', 'This permission was tried too many times with a card that was declined. Ask the customer to pay again with another card.'),
  chargeInProgress: () => new AppError(409, 'charge.in_progress', 'A request with this idempotency key is still being processed; retry in a moment.'),
  idempotencyConflict: () =>
    new AppError(409, 'charge.idempotency_conflict', 'This idempotency key was already used with a different body. Use a new key for a new request.'),
  cardDeclined: (reason: string, message: string) => new AppError(402, 'charge.card_declined', `${message} (${reason})`, undefined),
  cardUnavailable: () =>
    new AppError(402, 'charge.card_unavailable', 'The card the customer chose can no longer be charged (removed from their account, or not accepted by the gateway). Ask them to pay again.'),
  refundTooLarge: (refundable: number) =>
    new AppError(422, 'refund.amount_too_large', `At most ${refundable} minor units of this charge can still be refunded.`, { amount: `Use at most ${refundable}.` }),
  tooManyRefunds: (max: number) =>
    new AppError(409, 'refund.too_many', `A charge can be refunded at most ${max} times; refund what is left in one go.`),
  refundFailed: () => new AppError(502, 'refund.gateway_failed', 'The payment gateway did not accept the refund; nothing was refunded. Try again later.'),
};
