import type { Deps, RequestInfo } from '../platform/context.js';
import { HOUR } from '../platform/clock.js';
import { newSortableId } from '../platform/crypto.js';
import { inTransaction } from '../platform/db/transaction.js';
import { errors } from '../platform/errors.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { reserveSlot } from '../notify/message-budget.js';
import { findReference } from './reference.js';
import { reportReceivedEmail } from './messages.js';

/**
 * "Report a suspicious message": a signed-in customer pastes what they received (text, headers, sender) for the
 * support console's fraud view. Signed-in only: an open form would let anyone fill the fraud view and make us mail
 * acknowledgements to any address typed into it.
 *
 * Everything pasted is attacker text: kept within size limits, refused when it holds characters no message has
 * (NUL and other controls, which PostgreSQL's text type cannot even store), and only ever shown escaped.
 * Each account may file REPORTS_PER_HOUR reports an hour (the slot is reserved before anything is written) and is
 * acknowledged at most ACKS_PER_HOUR times an hour, so 200 reports at once store a few and send one email.
 */
export const REPORT_LIMITS = { sender: 500, headers: 20_000, body: 20_000 } as const;
export const REPORTS_PER_HOUR = 10;
export const ACKS_PER_HOUR = 1;
export const REPORT_CHANNELS = ['email', 'sms', 'other'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

// Tabs and line breaks are text; every other C0/C1 control is not.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export interface ReportInput {
  accountId: string;
  channel: string;
  sender: string;
  headers: string;
  body: string;
  info: RequestInfo;
}

export interface ReportOutcome {
  id: string;
  /** The pasted text names a reference of a message we really sent. */
  ours: boolean;
  acknowledged: boolean;
}

export function validateReport(input: Pick<ReportInput, 'channel' | 'sender' | 'headers' | 'body'>): { channel: ReportChannel; sender: string; headers: string; body: string } {
  const fields: Record<string, string> = {};
  const channel = REPORT_CHANNELS.find((c) => c === input.channel);
  if (!channel) fields.channel = 'Choose email, text message or other.';
  for (const name of ['sender', 'headers', 'body'] as const) {
    const value = input[name];
    if (value.length > REPORT_LIMITS[name]) fields[name] = `This can be at most ${REPORT_LIMITS[name].toLocaleString('en')} characters.`;
    else if (CONTROL.test(value)) fields[name] = 'This holds characters that are not text. Paste the message as text.';
  }
  if (!fields.body && input.body.trim() === '') fields.body = 'Paste the text of the message.';
  if (Object.keys(fields).length > 0) throw errors.invalidInput(fields);
  return { channel: channel!, sender: input.sender.trim(), headers: input.headers, body: input.body };
}

export async function reportSuspiciousMessage(deps: Deps, input: ReportInput): Promise<ReportOutcome> {
  const report = validateReport(input);
  const reference = findReference(`${report.headers}\n${report.body}`);
  return inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const allowance = await reserveSlot(tx.db, { key: `suspicious-report:${input.accountId}`, limit: REPORTS_PER_HOUR, windowMs: HOUR }, now);
    if (!allowance.reserved) throw errors.throttled(Math.max(1, Math.ceil((allowance.windowEnd - now) / 1000)));
    const account = await getAccount(tx.db, input.accountId);
    if (!account) throw errors.unauthenticated();
    const record = reference
      ? await tx.db.selectFrom('message_records').select('destination').where('reference', '=', reference).where('destination', '<>', '').executeTakeFirst()
      : undefined;
    const id = newSortableId(now);
    await tx.db
      .insertInto('suspicious_reports')
      .values({ id, account_id: input.accountId, ...report, reference, reference_known: record ? 1 : 0, created_at: now })
      .execute();
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'message.reported', info: input.info, detail: { channel: report.channel } });
    const ack = await reserveSlot(tx.db, { key: `suspicious-report-ack:${input.accountId}`, limit: ACKS_PER_HOUR, windowMs: HOUR }, now);
    const to = ack.reserved ? (await listIdentifiers(tx.db, input.accountId)).find((i) => i.kind === 'email' && i.verified)?.value : undefined;
    if (to) {
      await enqueueMessage(tx, reportReceivedEmail({ to, name: account.name, ours: !!record, publicUrl: tx.config.publicUrl, accountId: input.accountId }), { kind: 'account_mail' });
    }
    return { id, ours: !!record, acknowledged: !!to };
  });
}

/** The newest reports, for the fraud view: bounded, so the page costs the same however many arrive. */
export async function recentReports(deps: Pick<Deps, 'db'>, since: number, limit: number) {
  return deps.db
    .selectFrom('suspicious_reports')
    .select(['id', 'account_id', 'channel', 'sender', 'body', 'reference', 'reference_known', 'created_at'])
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
