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
  invalidInput: (fields: Record<string, string>, message = 'Some fields need your attention.') =>
    new AppError(400, 'request.invalid', message, fields),
  unauthenticated: () => new AppError(401, 'auth.required', 'Please sign in to continue.'),
  stepUpRequired: () =>
    new AppError(403, 'auth.step_up_required', 'For your security, please confirm your password to continue.'),
  csrf: () => new AppError(403, 'request.csrf', 'This form has expired. Please reload the page and try again.'),
  notFound: (what = 'page') => new AppError(404, 'not_found', `We couldn't find that ${what}.`),
  flowExpired: () => new AppError(410, 'flow.expired', 'This request has expired. Please start again.'),
  flowState: () => new AppError(409, 'flow.wrong_step', 'This step has already been completed or is not available yet.'),
  signInFailed: () =>
    new AppError(401, 'signin.failed', 'The email address, phone number or password is incorrect.'),
  throttled: (retryAfterSeconds: number) =>
    new AppError(
      429,
      'throttled',
      `Too many attempts. Please wait ${describeWait(retryAfterSeconds)} and try again.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  codeInvalid: () => new AppError(400, 'code.invalid', 'That code is not correct. Check the latest message we sent and try again.'),
  codeExpired: () => new AppError(410, 'code.expired', 'That code has expired or was already used. Please ask for a new one.'),
  codeExhausted: () => new AppError(429, 'code.too_many_attempts', 'Too many wrong codes. Please ask for a new one.'),
  resendTooSoon: (seconds: number) =>
    new AppError(429, 'code.resend_too_soon', `Please wait ${describeWait(seconds)} before asking for another code.`, undefined, {
      'retry-after': String(seconds),
    }),
};

export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
