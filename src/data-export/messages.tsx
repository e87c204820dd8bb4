import type { OutgoingMessage } from '../platform/outbox.js';
import { composeEmail } from '../notify/messages.js';
import { button, facts, greeting, text } from '../notify/message-layout.js';
import { formatTime } from '../platform/format.js';

/** The copy is ready: a link that works only for whoever is signed in to this account. */
export function dataReadyEmail(m: { to: string; name: string; link: string; expiresAt: number; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail(
    'dataExportReady',
    m.to,
    'Your data is ready to download',
    [
      greeting(m.name),
      text('The copy of your data you asked for is ready. The link works only while you are signed in to your account, so nobody else who sees this email can use it.'),
      button('Download your data', m.link),
      facts([['Link works until', formatTime(m.expiresAt)]]),
      text('If you did not ask for this, someone may know your password: change it now and check your sessions.'),
    ],
    m.publicUrl,
    m.accountId,
  );
}
