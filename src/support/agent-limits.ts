import type { Deps } from '../platform/context.js';
import { HOUR } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { claimPeriodicSlot, reserveAttempt, type ThrottlePolicy } from '../platform/throttle.js';
import { recordEvent } from '../activity/audit.js';
import type { StaffMember } from '../staff/staff-guard.js';

/**
 * What one agent may do in an hour (SECURITY.md "Staff actions are … rate-limited"): searches, caller checks
 * (each sends a message) and actions. Each use is reserved by one atomic upsert on the throttle table under a key
 * for this agent and this clock hour, so the count is exact under any concurrency and shared by every instance.
 * From `alertAt` uses in an hour, and again on reaching the limit, the audit event `support.volume_alert`
 * (no customer; detail: staff, what, level, count) and a log warning name the agent — each at most once an hour —
 * so a supervisor hears of an agent (or a stolen console session) trawling customers.
 */
export type AgentUse = 'search' | 'check' | 'action';

export const AGENT_LIMITS: Record<AgentUse, { perHour: number; alertAt: number }> = {
  search: { perHour: 60, alertAt: 40 },
  check: { perHour: 20, alertAt: 12 },
  action: { perHour: 60, alertAt: 40 },
};

export async function spendAgentAllowance(deps: Deps, staff: StaffMember, use: AgentUse): Promise<void> {
  const { perHour, alertAt } = AGENT_LIMITS[use];
  const policy: ThrottlePolicy = { freeFailures: perHour, firstWaitMs: HOUR, maxWaitMs: HOUR, forgetAfterMs: HOUR };
  const hour = Math.floor(deps.clock.now() / HOUR);
  const reserved = await reserveAttempt(deps.db, deps.clock, `support_${use}:staff:${staff.id}:${hour}`, policy, perHour);
  if (!reserved.granted) {
    await alertVolume(deps, staff, use, 'limit', perHour);
    throw new AppError(429, `support.${use}_limit`, `You have reached this hour's limit (${perHour}). Please wait before trying again.`, undefined, {
      'retry-after': String(reserved.retryAfterSeconds),
    });
  }
  if (reserved.failures >= alertAt) await alertVolume(deps, staff, use, 'unusual', reserved.failures);
}

async function alertVolume(deps: Deps, staff: StaffMember, use: AgentUse, level: 'unusual' | 'limit', count: number): Promise<void> {
  // The hour's slot and the alert together: a failed write must not silence the alert for the hour.
  const alerted = await inTransaction(deps, async (tx) => {
    if (!(await claimPeriodicSlot(tx.db, tx.clock, `support_alert:${use}:${level}:${staff.id}`, HOUR))) return false;
    await recordEvent(tx.db, tx.clock, { accountId: null, type: 'support.volume_alert', detail: { staff: staff.id, use, level, count } });
    return true;
  });
  if (alerted) deps.log.warn({ staffId: staff.id, use, level, countThisHour: count }, 'unusual support console volume by one agent');
}
