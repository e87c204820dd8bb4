import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { ComponentChildren } from 'preact';
import type { Config } from '../config.js';
import type { Database } from '../platform/db/schema.js';
import { renderPage } from '../platform/web/layout.js';
import { customerChrome } from '../accounts/customer-chrome.js';
import { formatTime } from '../platform/format.js';

/**
 * The development mailbox: every email and SMS the service would send, so each flow can be tried with no
 * mail server or SMS gateway. It shows codes and links, so it exists only where config.devMailbox is true,
 * which config.ts never allows in production.
 */
export function registerDevMailbox(app: FastifyInstance, deps: { db: Kysely<Database>; config: Config }): void {
  if (!deps.config.devMailbox) return;
  const { db, config } = deps;

  app.get('/dev/mailbox', async (_request, reply) => {
    const rows = await db
      .selectFrom('outbox')
      .select(['id', 'created_at', 'channel', 'recipient', 'subject', 'status', 'text_body', 'html_body'])
      .where('status', '!=', 'withheld')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(100)
      .execute();
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    return renderPage(
      { title: 'Development mailbox', wide: true },
      <>
        <h1>Development mailbox</h1>
        <p>
          This is the development mailbox. It shows every email and text message the service would send, newest first
          (the latest 100). Nothing here has left this machine unless a mail server or SMS gateway is configured.
        </p>
        {rows.length === 0 ? <p>No messages yet.</p> : null}
        {rows.map((row) => (
          <article class="mailbox-message">
            <h2>{row.subject}</h2>
            <dl>
              <dt>Time</dt>
              <dd>{formatTime(row.created_at)}</dd>
              <dt>Channel</dt>
              <dd>{row.channel === 'sms' ? 'SMS' : 'Email'}</dd>
              <dt>To</dt>
              <dd>{row.recipient}</dd>
              <dt>Status</dt>
              <dd>{row.status}</dd>
            </dl>
            {row.text_body ? <pre>{linkify(row.text_body, config.publicUrl)}</pre> : <p>(Content removed after delivery.)</p>}
            {row.html_body ? (
              <p>
                <a href={`/dev/mailbox/${encodeURIComponent(row.id)}/html`} target="_blank" rel="noreferrer">
                  View the HTML version
                </a>
              </p>
            ) : null}
          </article>
        ))}
      </>,
      customerChrome,
    );
  });

  app.get<{ Params: { id: string } }>('/dev/mailbox/:id/html', async (request, reply) => {
    const row = await db.selectFrom('outbox').select('html_body').where('id', '=', request.params.id).executeTakeFirst();
    if (!row?.html_body) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    // Message HTML is shown as it would arrive; the sandbox stops any script or form in it from running.
    return reply
      .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(row.html_body);
  });
}

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/**
 * Message text with our own links made clickable. Everything stays text for preact to escape; only links to
 * the configured public URL become anchors, so the page never links anywhere a message could smuggle in.
 */
function linkify(body: string, publicUrl: string) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of body.matchAll(URL_PATTERN)) {
    // Sentence punctuation right after a link belongs to the sentence.
    const url = match[0].replace(/[.,;:!?)]+$/, '');
    const start = match.index;
    if (!isOwnUrl(url, publicUrl)) continue;
    parts.push(body.slice(last, start), <a href={url}>{url}</a>);
    last = start + url.length;
  }
  parts.push(body.slice(last));
  return parts;
}

function isOwnUrl(url: string, publicUrl: string): boolean {
  if (!url.startsWith(publicUrl)) return false;
  const next = url.charAt(publicUrl.length);
  // `https://shop.example` must not match `https://shop.example.evil.com`.
  return next === '' || next === '/' || next === '?' || next === '#';
}
