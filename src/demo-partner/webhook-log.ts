import { formatMoney } from './catalogue.js';
import { checkWebhookSignature } from './webhook-signature.js';

/**
 * What the shop does with a webhook delivery: check its signature against the endpoint's secret, then note it
 * for the webhook log page. Only a verified event would be acted on by a real shop; this one only shows them.
 * Kept in memory, newest first, at most MAX_EVENTS.
 */
export interface ReceivedEvent {
  receivedAt: number;
  /** The event's type as the body says (`charge.succeeded`…); "unreadable" when the body is not an event. */
  type: string;
  id: string | undefined;
  summary: string;
  verified: boolean;
  reason?: string;
}

const MAX_EVENTS = 200;

export class WebhookLog {
  private readonly events: ReceivedEvent[] = [];

  constructor(
    private readonly secret: string | undefined,
    private readonly now: () => number,
  ) {}

  list(): readonly ReceivedEvent[] {
    return this.events;
  }

  /** Records the delivery; true when its signature is good (the answer is then 2xx, so Custos stops retrying). */
  receive(header: string | undefined, body: string): boolean {
    const check = this.secret
      ? checkWebhookSignature({ secret: this.secret, header, body, now: this.now() })
      : ({ ok: false, reason: 'no webhook secret registered' } as const);
    const event = readEvent(body);
    this.events.unshift({
      receivedAt: this.now(),
      type: event?.type ?? 'unreadable',
      id: event?.id,
      summary: event ? summarise(event.data) : 'The body is not a JSON event.',
      verified: check.ok,
      ...(check.ok ? {} : { reason: check.reason }),
    });
    this.events.length = Math.min(this.events.length, MAX_EVENTS);
    return check.ok;
  }
}

function readEvent(body: string): { type: string; id: string | undefined; data: Record<string, unknown> } | undefined {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; id?: unknown; data?: unknown };
    if (typeof parsed?.type !== 'string') return undefined;
    const data = typeof parsed.data === 'object' && parsed.data !== null ? (parsed.data as Record<string, unknown>) : {};
    return { type: parsed.type.slice(0, 100), id: typeof parsed.id === 'string' ? parsed.id.slice(0, 100) : undefined, data };
  } catch {
    return undefined;
  }
}

/** A line for people: the ids and amounts an event names, whatever its type (an amount with its currency as money). */
function summarise(data: Record<string, unknown>): string {
  const currency = typeof data.currency === 'string' && /^[A-Z]{3}$/.test(data.currency) ? data.currency : undefined;
  const shown = Object.entries(data)
    .filter(([key, value]) => (typeof value === 'string' || typeof value === 'number') && !(key === 'currency' && currency))
    .slice(0, 8)
    .map(([key, value]) => `${key}: ${currency && typeof value === 'number' && /(^|_)(amount|total)$/.test(key) ? formatMoney(value, currency) : String(value).slice(0, 80)}`);
  return shown.length ? shown.join(' · ') : '—';
}
