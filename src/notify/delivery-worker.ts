import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database, OutboxTable } from '../platform/db/schema.js';
import type { EmailTransport } from './email-transport.js';
import { maskRecipient } from './mask.js';
import type { SmsTransport } from './sms-transport.js';

/**
 * Sends what the outbox holds. Each row is claimed by one conditional update before it is sent, so any number
 * of workers (in one process or many) can poll the same table and a message goes out once. Delivery is
 * at-least-once: a process that dies between sending and recording it leaves a claim that lapses after
 * CLAIM_MS, and the message is sent again.
 */
export interface DeliveryWorkerDeps {
  db: Kysely<Database>;
  clock: Clock;
  log: FastifyBaseLogger;
  email?: EmailTransport;
  sms?: SmsTransport;
  /** Development: a channel with no transport counts as delivered, because the mailbox page shows it. */
  devMailbox: boolean;
  /** Production: one-time codes and links must not rest in the database once delivered. */
  scrubAfterSend: boolean;
  /**
   * Webhook deliveries (webhooks/delivery.ts), drained in the same passes with the same claim and retry rules. They
   * have a table of their own: they are not a customer's messages, so no budget, record or mailbox ever sees them.
   */
  webhooks?: DeliveryQueue;
}

/** Another table of things to send, drained alongside the outbox; deliverDue returns how many it sent. */
export interface DeliveryQueue {
  deliverDue(limit: number): Promise<number>;
}

type Channel = OutboxTable['channel'];
type OutboxRow = Selectable<OutboxTable>;

/** Longer than any transport's own timeout, so a claim cannot lapse while its send is still running. */
export const CLAIM_MS = 60_000;
export const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;
const BATCH_SIZE = 20;
const CHANNELS: readonly Channel[] = ['email', 'sms'];

/** 30 s after the first failure, doubling, never more than an hour. */
export function retryDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private kickScheduled: NodeJS.Immediate | undefined;
  private background: Promise<void> | undefined;
  private runAgain = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly warnedChannels = new Set<Channel>();

  constructor(private readonly deps: DeliveryWorkerDeps) {}

  /** Sends up to `limit` due messages and up to `limit` due webhooks; returns how many were sent. */
  deliverDue(limit = BATCH_SIZE): Promise<number> {
    const pass = this.deliverBatch(limit);
    this.inFlight.add(pass);
    void pass.finally(() => this.inFlight.delete(pass)).catch(() => undefined);
    return pass;
  }

  /**
   * Polls as a fallback to kick(). This is the outbox's consumer, not a scheduled job: every instance polls and
   * claims rows one by one, so the job runner's lease (one instance at a time) and its minute tick would only slow
   * delivery down.
   */
  start(intervalMs = 5000): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.runInBackground(), intervalMs);
    // Polling alone must not keep the process alive; shutdown goes through stop().
    this.timer.unref();
    this.kick();
  }

  /** Called after a transaction that wrote to the outbox commits; many kicks in a row make one pass. */
  kick(): void {
    if (this.stopped || this.kickScheduled) return;
    this.kickScheduled = setImmediate(() => {
      this.kickScheduled = undefined;
      this.runInBackground();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.kickScheduled) clearImmediate(this.kickScheduled);
    this.timer = undefined;
    this.kickScheduled = undefined;
    await Promise.allSettled([...this.inFlight, this.background]);
  }

  /** One background pass at a time; a kick during a pass makes it go round once more. */
  private runInBackground(): void {
    if (this.background) {
      this.runAgain = true;
      return;
    }
    this.background = (async () => {
      try {
        // A full batch means more may be waiting; keep going rather than wait for the next tick.
        let batchFull = false;
        do {
          this.runAgain = false;
          batchFull = (await this.deliverDue(BATCH_SIZE)) >= BATCH_SIZE;
        } while ((this.runAgain || batchFull) && !this.stopped);
      } catch (error) {
        this.deps.log.error({ err: describeError(error) }, 'outbox delivery pass failed');
      } finally {
        this.background = undefined;
      }
    })();
  }

  /** Messages and webhooks side by side, so a slow webhook receiver never holds back a sign-in code. */
  private async deliverBatch(limit: number): Promise<number> {
    const [messages, webhooks] = await Promise.all([this.deliverMessages(limit), this.deps.webhooks?.deliverDue(limit) ?? 0]);
    return messages + webhooks;
  }

  private async deliverMessages(limit: number): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const channels = CHANNELS.filter((c) => this.canDeliver(c));
    await this.warnAboutStuckChannels(now);
    if (channels.length === 0) return 0;
    const due = await db
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .where('channel', 'in', channels)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    let sent = 0;
    for (const row of due) {
      if (await this.claim(row)) sent += (await this.deliverOne(row)) ? 1 : 0;
    }
    return sent;
  }

  /**
   * The conditional update is the lock: of two workers that selected the same row, only one changes it.
   * It also requires the row to be as it was read (same attempts, still due), so a row another worker tried
   * and scheduled for retry in the meantime is not sent again ahead of its backoff.
   */
  private async claim(row: OutboxRow): Promise<boolean> {
    const now = this.deps.clock.now();
    const result = await this.deps.db
      .updateTable('outbox')
      .set({ locked_until: now + CLAIM_MS })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', row.attempts)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  private async deliverOne(row: OutboxRow): Promise<boolean> {
    const about = { id: row.id, template: row.template, channel: row.channel, to: maskRecipient(row.recipient) };
    let toMailboxOnly: boolean;
    try {
      toMailboxOnly = await this.send(row);
    } catch (error) {
      await this.recordFailure(row, about, describeError(error));
      return false;
    }
    // What was only shown in the development mailbox keeps its content, or the mailbox would show nothing.
    const scrub = this.deps.scrubAfterSend && !toMailboxOnly;
    await this.deps.db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: this.deps.clock.now(), locked_until: null, ...(scrub ? { text_body: '', html_body: null } : {}) })
      .where('id', '=', row.id)
      .execute();
    this.deps.log.info(about, toMailboxOnly ? 'message placed in the development mailbox' : 'message sent');
    return true;
  }

  private async recordFailure(row: OutboxRow, about: Record<string, string>, lastError: string): Promise<void> {
    const attempts = row.attempts + 1;
    const failed = attempts >= MAX_ATTEMPTS;
    await this.deps.db
      .updateTable('outbox')
      .set({
        attempts,
        last_error: lastError,
        status: failed ? 'failed' : 'pending',
        next_attempt_at: this.deps.clock.now() + retryDelay(attempts),
        locked_until: null,
      })
      .where('id', '=', row.id)
      .execute();
    const entry = { ...about, attempts, err: lastError };
    if (failed) this.deps.log.error(entry, 'message delivery failed; giving up');
    else this.deps.log.warn(entry, 'message delivery failed; will retry');
  }

  /** Returns true when the message went only to the development mailbox. */
  private async send(row: OutboxRow): Promise<boolean> {
    const { email, sms } = this.deps;
    if (row.channel === 'email' && email) {
      await email.send({ to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body ?? undefined });
      return false;
    }
    if (row.channel === 'sms' && sms) {
      await sms.send({ to: row.recipient, body: row.text_body });
      return false;
    }
    return true;
  }

  private canDeliver(channel: Channel): boolean {
    return this.deps.devMailbox || (channel === 'email' ? !!this.deps.email : !!this.deps.sms);
  }

  /** Messages for a channel with no transport wait for one to be configured; say so once, not every pass. */
  private async warnAboutStuckChannels(now: number): Promise<void> {
    for (const channel of CHANNELS) {
      if (this.canDeliver(channel) || this.warnedChannels.has(channel)) continue;
      const waiting = await this.deps.db
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('channel', '=', channel)
        .where('next_attempt_at', '<=', now)
        .limit(1)
        .executeTakeFirst();
      if (!waiting) continue;
      this.warnedChannels.add(channel);
      this.deps.log.warn({ channel }, `no ${channel} transport is configured; ${channel} messages stay pending`);
    }
  }
}

/**
 * A short cause for logs and last_error. SMTP errors quote the server's reply, which can repeat the
 * recipient or content, so for those only the codes are kept.
 */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const e = error as Error & { code?: unknown; responseCode?: unknown };
  const parts: string[] = [];
  if (typeof e.code === 'string') parts.push(e.code);
  if (typeof e.responseCode === 'number') parts.push(`SMTP ${e.responseCode}`);
  if (parts.length > 0) return parts.join(' ');
  return (e.message || e.name).slice(0, 200);
}
