import type { Deps } from '../../platform/context.js';
import { DAY, HOUR } from '../../platform/clock.js';
import { AppError, errors } from '../../platform/errors.js';
import { reserveAttempt, type ThrottlePolicy } from '../../platform/throttle.js';
import { postcodesOf } from '../record-queries.js';

/**
 * What the agent needs instead of a verified-caller window, which a caller without their email or phone can't
 * get: three facts from the account's history that the caller says and the agent types — an order number, that
 * order's total, and a postcode on file. All three must match; the answer is only "all matched" or "not all",
 * never which one or the value on file, and each try spends the same per-customer allowance as the caller
 * check's second signal, so it can't be used to read the account out by guessing.
 */
export interface Evidence {
  order_number: string;
  order_amount: string;
  postcode: string;
}

const SIGNAL_POLICY: ThrottlePolicy = { freeFailures: 10, firstWaitMs: HOUR, maxWaitMs: DAY, forgetAfterMs: DAY };

export async function requireEvidence(deps: Deps, accountId: string, evidence: Evidence): Promise<void> {
  const amount = minorUnits(evidence.order_amount);
  const postcode = foldPostcode(evidence.postcode);
  const orderNumber = evidence.order_number.trim();
  const gate = await reserveAttempt(deps.db, deps.clock, `support_signal:account:${accountId}`, SIGNAL_POLICY, 10);
  if (!gate.granted) throw errors.throttled(gate.retryAfterSeconds);
  const order = await deps.db.selectFrom('orders').select(['total']).where('account_id', '=', accountId).where('number', '=', orderNumber).executeTakeFirst();
  const orderMatches = order !== undefined && order.total === amount;
  const postcodeMatches = (await postcodesOf(deps, accountId)).some((p) => p.toUpperCase().replace(/[\s-]/g, '') === postcode);
  if (!orderMatches || !postcodeMatches) {
    throw new AppError(422, 'recovery.evidence_mismatch', 'What the caller said does not match this account. Nothing is shown about which part.');
  }
}

function foldPostcode(value: string): string {
  const folded = value.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (!/^[A-Z0-9]{2,10}$/.test(folded)) throw errors.invalidInput({ postcode: 'A postcode is 2 to 10 letters and digits.' });
  return folded;
}

function minorUnits(value: string): number {
  const match = value.trim().replace(/^[$€£]/, '').match(/^(\d{1,9})(?:\.(\d{2}))?$/);
  if (!match) throw errors.invalidInput({ order_amount: 'Type the amount as on the receipt, e.g. 42.50.' });
  return Number(match[1]) * 100 + Number(match[2] ?? '0');
}
