import { AppError } from '../platform/errors.js';
import { formatTime, iso } from '../platform/format.js';
import { Field } from '../platform/web/forms.js';
import type { Page, PageRoutes } from '../platform/web/page-routes.js';
import { displayReference } from '../notify/message-frame.js';
import { checkMessage, type CheckAnswer } from './check.js';
import { REFERENCE_INPUT_MAX } from './reference.js';

/**
 * /check — "Is this message really from us?", open to anyone, a GET form that works without JavaScript: the link in
 * every message lands here with its reference filled in (?ref=…), and a reference or a whole link can be pasted.
 * Checking spends the visitor's allowance (check.ts); the page shows only what the record holds.
 */
export function registerCheckPage(routes: PageRoutes): void {
  routes.get('/check', 'anyone', async (page) => {
    const input = page.query('ref', REFERENCE_INPUT_MAX);
    if (input === undefined || input.trim() === '') return renderCheck(page, '');
    try {
      const answer = await checkMessage(page.deps, { reference: input, ip: page.info.ip });
      return renderCheck(page, input, answer);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      for (const [name, value] of Object.entries(error.headers ?? {})) page.reply.header(name, value);
      return renderCheck(page, input, undefined, error);
    }
  });
}

function renderCheck(page: Page, input: string, answer?: CheckAnswer, problem?: AppError) {
  // A reference in the address is not a secret, but it need not travel on to other sites either.
  page.reply.header('referrer-policy', 'no-referrer');
  const retentionDays = page.deps.config.activityRetentionDays;
  return page.render(
    { title: 'Is this message really from us?' },
    <section class="card narrow">
      <h1>Is this message really from us?</h1>
      <p>
        Every email and text message we send ends with a message reference, like <span class="identifier">ABCDE-12345</span>.
        Type it here, or paste the check link from the message.
      </p>
      {problem ? (
        <div class="error-summary" role="alert">
          <p>{problem.message}</p>
        </div>
      ) : null}
      {answer ? <Answer answer={answer} retentionDays={retentionDays} /> : null}
      <form method="get" action="/check" class="check-form">
        <Field name="ref" label="Message reference" value={input} maxLength={REFERENCE_INPUT_MAX} spellcheck={false} autocapitalize="none" hint="Upper or lower case, with or without the dash." required />
        <div class="form-actions">
          <button type="submit" class="button">Check</button>
        </div>
      </form>
    </section>,
    problem ? problem.status : 200,
  );
}

function Answer({ answer, retentionDays }: { answer: CheckAnswer; retentionDays: number }) {
  if (answer.sent) {
    return (
      <div class="callout check-answer check-yes" role="status">
        <h2>Yes, we sent this</h2>
        <p>
          We sent message <span class="identifier">{displayReference(answer.reference)}</span> by {answer.channel === 'sms' ? 'text message' : 'email'} on{' '}
          <time datetime={iso(answer.sentAt)}>{formatTime(answer.sentAt)}</time> to <span class="identifier">{answer.destination}</span>.
        </p>
        <p>Its subject was “{answer.subject}”.</p>
        <p>
          If the message you have is about something else, or reached a different address, it is not ours: someone may have copied a real
          reference. We never ask for your password or for a code we sent you.
        </p>
      </div>
    );
  }
  return (
    <div class="callout check-answer check-no" role="status">
      <h2>We have no record of this: it is not from us</h2>
      <p>
        {answer.reference ? (
          <>No message we sent in the last {retentionDays} days has the reference <span class="identifier">{displayReference(answer.reference)}</span>.</>
        ) : (
          <>That is not a message reference of ours: ours are ten letters and digits, like ABCDE-12345.</>
        )}
      </p>
      <ul>
        <li>Don't click its links or open its attachments.</li>
        <li>Don't reply, and never give anyone your password or a code we sent you.</li>
        <li>
          <a href="/account/messages/report">Report it to us</a> (sign in first), then delete it. If you typed your password after opening it,{' '}
          <a href="/recovery/password">reset your password</a> now.
        </li>
      </ul>
    </div>
  );
}
