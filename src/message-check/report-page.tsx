import { Field, RadioGroup, TextArea } from '../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../sessions/guards.js';
import { REPORT_LIMITS, reportSuspiciousMessage } from './reports.js';

/**
 * /account/messages/report — report a message that claims to be from us. What is pasted is echoed back into the
 * form on an error only as escaped text (preact escapes every value), never as markup.
 */
const PATH = '/account/messages/report';
const CHANNELS = { email: 'Email', sms: 'Text message', other: 'Somewhere else (a call, a chat, a letter)' };

interface Draft {
  channel: string;
  sender: string;
  headers: string;
  body: string;
}

export function registerReportPage(routes: PageRoutes): void {
  routes.get(PATH, signedIn, async (page) => renderReportForm(page, NO_PROBLEM, { channel: 'email', sender: '', headers: '', body: '' }));

  routes.post(PATH, signedIn, async (page) => {
    const draft: Draft = {
      channel: page.echo('channel', 10),
      sender: page.echo('sender', REPORT_LIMITS.sender),
      headers: page.echo('headers', REPORT_LIMITS.headers),
      body: page.echo('body', REPORT_LIMITS.body),
    };
    try {
      // Over-long fields are refused by name (page.field), never cut.
      await reportSuspiciousMessage(page.deps, {
        accountId: page.session.accountId,
        channel: page.field('channel', 10),
        sender: page.field('sender', REPORT_LIMITS.sender),
        headers: page.field('headers', REPORT_LIMITS.headers),
        body: page.field('body', REPORT_LIMITS.body),
        info: page.info,
      });
      return page.redirect('/account/messages?notice=reported');
    } catch (error) {
      return renderReportForm(page, page.problem(error), draft);
    }
  });
}

function renderReportForm(page: SignedInPage, problem: FormProblem, draft: Draft) {
  return page.render(
    { title: 'Report a suspicious message' },
    <>
      <BackLink href="/account/messages">Messages from us</BackLink>
      <section class="card narrow">
        <h1>Report a suspicious message</h1>
        <p>
          Got a message that claims to be from us but looks wrong? Paste it here. Don't click its links or reply to it. You can also{' '}
          <a href="/check">check its message reference</a> first.
        </p>
        <Problem problem={problem} />
        <PostForm action={PATH} csrf={page.csrf}>
          <RadioGroup name="channel" legend="How did it reach you?" options={CHANNELS} value={draft.channel} error={problem.fields.channel} />
          <Field name="sender" label="Who it claimed to be from" value={draft.sender} error={problem.fields.sender} hint="The sender's address or number, as shown." maxLength={REPORT_LIMITS.sender} spellcheck={false} />
          <TextArea name="body" label="The message" value={draft.body} error={problem.fields.body} hint="Paste the whole text, links included." maxLength={REPORT_LIMITS.body} />
          <TextArea name="headers" label="Email headers (optional)" value={draft.headers} error={problem.fields.headers} hint="Your mail app can show them (“Show original” or “View source”). They tell us where it really came from." maxLength={REPORT_LIMITS.headers} />
          <div class="form-actions">
            <button type="submit" class="button">Send report</button>
            <a href="/account/messages">Cancel</a>
          </div>
        </PostForm>
      </section>
    </>,
    problem.status,
  );
}
