import { AppError, describeWait } from '../../platform/errors.js';

/**
 * The wallet's own refusals of "add a card", each with a stable code. Kept beside the card code that raises them
 * (platform/errors.ts holds the ones shared across features).
 */
export const cardErrors = {
  /**
   * PAYMENT_GATEWAY=none: no adapter to take the card. 503 because it is the service that can't, not the request
   * that is wrong; cards already saved are untouched and still listed.
   */
  gatewayUnavailable: () =>
    new AppError(503, 'card.gateway_unavailable', "Adding a card isn't available yet. Cards you have already saved can still be used."),
  /**
   * Card testing: too many cards declined for this account or network lately. The code is the generic
   * `throttled` every client already handles; the words say why and when to come back.
   */
  checksPaused: (retryAfterSeconds: number) =>
    new AppError(
      429,
      'throttled',
      `Too many cards were declined in the last hour, so adding a card is paused to protect cardholders. Please try again in ${describeWait(retryAfterSeconds)}.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
};
