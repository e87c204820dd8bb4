/**
 * Every error a client can see has a stable code for machines and a message for people. Detail meant for
 * operators goes to the log only; nothing answered with a 5xx says anything about the cause.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const errors = {
  // Requests, sign-in and flows.
  invalidInput: (fields: Record<string, string>, message = 'Some fields need your attention.') =>
    new AppError(400, 'request.invalid', message, fields),
  unauthenticated: () => new AppError(401, 'auth.required', 'Please sign in to continue.'),
  stepUpRequired: () =>
    new AppError(403, 'auth.step_up_required', 'For your security, please confirm your password to continue.'),
  csrf: () => new AppError(403, 'request.csrf', 'This form has expired. Please reload the page and try again.'),
  notFound: (what = 'page') => new AppError(404, 'not_found', `We couldn't find that ${what}.`),
  flowExpired: () => new AppError(410, 'flow.expired', 'This request has expired. Please start again.'),
  flowState: () => new AppError(409, 'flow.wrong_step', 'This step has already been completed or is not available yet.'),
  // Says what to do after "This wasn't me" switched the password off, in words true for every caller, so it
  // reveals neither that an account exists nor that it was secured (ASVS 6.3.8).
  signInFailed: () =>
    new AppError(
      401,
      'signin.failed',
      'The email address, phone number or password is incorrect. If we told you your account was secured, check your email and choose a new password with “Forgot your password?”.',
    ),
  throttled: (retryAfterSeconds: number) =>
    new AppError(
      429,
      'throttled',
      `Too many attempts. Please wait ${describeWait(retryAfterSeconds)} and try again.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  // Sign-up: a confirmation finishes only for whoever chose the password (src/signup/signup-confirm.ts).
  signupPasswordIncorrect: () =>
    new AppError(400, 'signup.password_incorrect', 'That is not the password this sign-up was started with.', {
      password: 'That is not the password this sign-up was started with. Enter the one you chose, or create your account again.',
    }),
  // One-time codes.
  codeInvalid: () => new AppError(400, 'code.invalid', 'That code is not correct. Check the latest message we sent and try again.'),
  codeExpired: () => new AppError(410, 'code.expired', 'That code has expired or was already used. Please ask for a new one.'),
  codeExhausted: () => new AppError(429, 'code.too_many_attempts', 'Too many wrong codes. Please ask for a new one.'),
  resendTooSoon: (seconds: number) =>
    new AppError(429, 'code.resend_too_soon', `Please wait ${describeWait(seconds)} before asking for another code.`, undefined, {
      'retry-after': String(seconds),
    }),
  // Wallet: the address book and saved cards (src/wallet/*).
  addressBookFull: (max: number) =>
    new AppError(409, 'address.book_full', `Your address book is full (${max} addresses). Remove one you no longer use to add another.`),
  cardBillingAddressRequired: () =>
    new AppError(422, 'card.billing_address_required', 'Add a billing address to your address book first, then add the card.'),
  cardTokenInvalid: () =>
    new AppError(400, 'card.token_invalid', 'The card details did not come back from the payment page as expected. Please add the card again.'),
  /** The issuer refused the card; `message` is the reason in the customer's words (wallet/gateway.ts declineMessage). */
  cardDeclined: (message: string) => new AppError(402, 'card.declined', message),
  // Orders, the customer's side: returns, problem reports and fraud reports (src/cases/cases.ts).
  returnWindowClosed: (closedOn: string) =>
    new AppError(409, 'order.return_window_closed', `The return window for this order closed on ${closedOn}. If something is wrong with it, report a problem with the order instead.`),
  notReturnable: () =>
    new AppError(409, 'order.not_returnable', 'This item can be returned once the order has been delivered.'),
  orderClosedToReturns: (status: 'cancelled' | 'refunded') =>
    new AppError(409, 'order.not_returnable', `This order was ${status === 'cancelled' ? 'cancelled' : 'refunded in full'}, so there is nothing left to return.`),
  nothingLeftToReturn: () =>
    new AppError(409, 'order.nothing_left_to_return', 'Every one of this item is already part of a return.'),
  caseAlreadyOpen: (what: string) =>
    new AppError(409, 'order.case_already_open', `You already have an open ${what}. We'll let you know when the store answers.`),
  // Store API: orders the shop records and the cases it decides (src/merchants/*).
  orderCustomerUnknown: () =>
    new AppError(422, 'order.customer_unknown', 'No customer has that verified email address or phone number; nothing was recorded.'),
  orderCardUnknown: () =>
    new AppError(422, 'order.card_unknown', "That card is not one of this customer's saved cards; nothing was recorded.", {
      'payment_method.card_id': "Use the id of one of this customer's saved cards.",
    }),
  orderTotalsMismatch: (fields: Record<string, string>) =>
    new AppError(422, 'order.totals_mismatch', 'The totals do not add up; nothing was recorded.', fields),
  idempotencyConflict: (number: string) =>
    new AppError(409, 'order.idempotency_conflict', `This idempotency key was already used for order ${number} with a different body. Use a new key for a new order.`),
  illegalTransition: (from: string, to: string, allowed: readonly string[]) =>
    new AppError(409, 'order.illegal_transition', `An order that is ${from} cannot become ${to}` + (allowed.length ? `; it can become ${allowed.join(' or ')}.` : `; ${from} is final.`)),
  orderChangedConcurrently: () =>
    new AppError(409, 'order.changed_concurrently', 'The order is changing right now; read it again and retry.'),
  caseAlreadyDecided: (status: string) =>
    new AppError(409, 'case.already_decided', `This case was already ${status}; a case is decided once.`),
  refundTooLarge: (refundable: number) =>
    new AppError(422, 'case.refund_too_large', `At most ${refundable} minor units of this order can still be refunded.`, { refund_amount: `Use at most ${refundable}.` }),
};

export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
