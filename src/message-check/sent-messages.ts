import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { decodeCursor, encodeCursor } from '../platform/keyset-cursor.js';

/**
 * "Messages from us": everything the service sent the customer, from the message records (never the outbox, which
 * forgets bodies and is swept after a week), newest first. Pages follow a keyset cursor on (created_at, id), walked
 * down the records' (account_id, created_at) index, so page 50 costs what page 1 does and a new message arriving
 * between pages neither repeats nor hides a row.
 */
export const MESSAGES_PAGE_MAX = 100;

export interface SentMessage {
  at: number;
  channel: 'email' | 'sms';
  destination: string;
  subject: string;
  reference: string;
}

export interface SentMessagePage {
  messages: SentMessage[];
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

export async function listSentMessages(deps: Pick<Deps, 'db'>, accountId: string, options: { before?: string; limit?: number } = {}): Promise<SentMessagePage> {
  const limit = Math.min(Math.max(options.limit ?? 25, 1), MESSAGES_PAGE_MAX);
  const cursor = options.before ? decodeCursor(options.before) : undefined;
  if (cursor === null) throw errors.invalidInput({ before: 'This page link is not valid. Start again from the first page.' });
  let query = deps.db
    .selectFrom('message_records')
    .select(['id', 'channel', 'destination', 'subject', 'reference', 'created_at'])
    .where('account_id', '=', accountId);
  if (cursor) {
    query = query.where((eb) => eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    messages: page.map((row) => ({ at: row.created_at, channel: row.channel, destination: row.destination, subject: row.subject, reference: row.reference })),
    next: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
  };
}
