import type { OutgoingMessage } from '../platform/outbox.js';

/**
 * The safety parts every message carries, added in one place after the message is made (notify/enqueue.ts), so no
 * template — ours now, a store's own later — can leave them out or fake them:
 * - its reference, which anyone can check at PUBLIC_URL/check ("Is this message really from us?", PRODUCT.md 11);
 * - on email to one of the account's verified addresses only, the customer's personal phrase at the top: a phisher
 *   who does not know it cannot show it. Never on a text (too long, and a number may be recycled).
 * The frame holds only plain text and one link to our own check page: no image, no tracking, no redirect.
 */
export const CHECK_PATH = '/check';

/** `ABCDE12345` → `ABCDE-12345`: two groups of five read back more easily. */
export function displayReference(reference: string): string {
  return `${reference.slice(0, 5)}-${reference.slice(5)}`;
}

export function checkLink(publicUrl: string, reference: string): string {
  return `${publicUrl}${CHECK_PATH}?ref=${reference}`;
}

export function frameMessage(message: OutgoingMessage, frame: { reference: string; publicUrl: string; phrase?: string }): OutgoingMessage {
  // A withheld (blank) message stays blank: it is never sent, and must look like every other withheld row.
  if (message.recipient === '') return message;
  if (message.channel === 'sms') return { ...message, text: `${message.text}\nRef ${frame.reference}` };
  const shown = displayReference(frame.reference);
  const link = checkLink(frame.publicUrl, frame.reference);
  const footer = `Message reference: ${shown} — check it at ${link}`;
  const phraseLine = frame.phrase ? `Your personal phrase: ${frame.phrase}` : undefined;
  const text = `${phraseLine ? `${phraseLine}\n\n` : ''}${message.text.replace(/\n*$/, '')}\n\n${footer}\n`;
  return { ...message, text, html: message.html === undefined ? undefined : frameHtml(message.html, shown, link, frame.phrase) };
}

const PHRASE_STYLE = 'max-width:560px;margin:0 auto 12px;padding:10px 14px;border:2px solid #1f5fbf;border-radius:6px;background:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#1f2328;';
const FOOTER_STYLE = 'max-width:560px;margin:12px auto 0;font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:1.5;color:#57606a;text-align:center;';

/** The phrase just inside <body>, the reference just before </body>; a document without them gets both around it. */
function frameHtml(html: string, shown: string, link: string, phrase: string | undefined): string {
  const top = phrase ? `<p style="${PHRASE_STYLE}">Your personal phrase: <strong>${escapeHtml(phrase)}</strong></p>` : '';
  const bottom = `<p style="${FOOTER_STYLE}">Message reference: <strong>${shown}</strong> — check it at <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`;
  const open = /<body[^>]*>/i.exec(html);
  const close = html.toLowerCase().lastIndexOf('</body>');
  if (!open || close < open.index) return `${top}${html}${bottom}`;
  const afterOpen = open.index + open[0].length;
  return html.slice(0, afterOpen) + top + html.slice(afterOpen, close) + bottom + html.slice(close);
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
