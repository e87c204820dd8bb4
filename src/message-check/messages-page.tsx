import { AppError, errors } from '../platform/errors.js';
import { BrokenPageLink, KeysetPager } from '../platform/web/pager.js';
import { formatTime, iso } from '../platform/format.js';
import { BackLink } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { signedIn } from '../sessions/guards.js';
import { checkLink, displayReference } from '../notify/message-frame.js';
import { listSentMessages, type SentMessage, type SentMessagePage } from './sent-messages.js';
import { currentPhrase } from './phrase.js';

/**
 * /account/messages — "Messages from us": every email and text we sent the customer, newest first, 25 to a page
 * (keyset, `?before=`), with each message's reference. A message that claims to be from us and is not in this list
 * is not from us. From here: the personal phrase, and reporting a suspicious message.
 */
export const MESSAGES_PER_PAGE = 25;

export function registerMessagesPage(routes: PageRoutes): void {
  routes.get('/account/messages', signedIn, async (page) => {
    const before = (page.request.query as Record<string, unknown> | undefined)?.before;
    const options = { title: 'Messages from us', wide: true, notice: notices[page.query('notice', 20) ?? ''] };
    let list: SentMessagePage;
    try {
      // A repeated or non-text `before` is as broken as a garbled one.
      if (before !== undefined && typeof before !== 'string') throw errors.invalidInput({ before: 'This page link is not valid.' });
      list = await listSentMessages(page.deps, page.session.accountId, { before: before || undefined, limit: MESSAGES_PER_PAGE });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'request.invalid') throw error;
      return page.render(options, <BrokenPageLink path="/account/messages" noun="messages" />, 400);
    }
    const phrase = await currentPhrase(page.deps, page.session.accountId);
    const firstPage = !before;
    return page.render(
      options,
      <>
        <BackLink href="/account">Your Account</BackLink>
        <h1 class="page-title">Messages from us</h1>
        <p class="lead">
          Every email and text message we sent you. Each one ends with its reference: a message that claims to be from us but is not
          listed here is not from us — <a href="/account/messages/report">report it</a>.
        </p>
        <p>
          {phrase ? 'Your personal phrase is shown at the top of every email we send you. ' : 'Set a personal phrase, and we will show it at the top of every email we send you. '}
          <a href="/account/messages/phrase">{phrase ? 'Change your personal phrase' : 'Set a personal phrase'}</a>
        </p>
        <section class="card activity-card">
          {list.messages.length > 0 ? (
            <MessagesTable messages={list.messages} firstPage={firstPage} />
          ) : (
            <p class="muted">{firstPage ? 'We have not sent you any messages yet.' : 'There are no older messages.'}</p>
          )}
          <KeysetPager path="/account/messages" noun="messages" label="Message pages" next={list.next} firstPage={firstPage} />
        </section>
      </>,
    );
  });
}

const notices: Record<string, string> = {
  phrase: 'Your personal phrase was saved.',
  'no-phrase': 'Your personal phrase was removed.',
  reported: 'Thank you: we received your report.',
};

function MessagesTable(props: { messages: SentMessage[]; firstPage: boolean }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby="messages-caption" tabindex={0}>
      <table class="activity sent-messages">
        <caption id="messages-caption">{props.firstPage ? 'Our most recent messages to you, newest first' : 'Older messages, newest first'}</caption>
        <thead>
          <tr>
            <th scope="col">Date and time</th>
            <th scope="col">Subject</th>
            <th scope="col">Sent by</th>
            <th scope="col">To</th>
            <th scope="col">Reference</th>
          </tr>
        </thead>
        <tbody>
          {props.messages.map((m) => (
            <tr>
              <td data-label="Date and time">
                <time datetime={iso(m.at)}>{formatTime(m.at)}</time>
              </td>
              <th scope="row" data-label="Subject">{m.subject || '—'}</th>
              <td data-label="Sent by">{m.channel === 'sms' ? 'Text message' : 'Email'}</td>
              <td data-label="To" class="identifier">{m.destination}</td>
              <td data-label="Reference" class="identifier">
                <a href={checkLink('', m.reference)}>{displayReference(m.reference)}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
