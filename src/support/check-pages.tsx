import type { VNode } from 'preact';
import { isOpaqueId } from '../platform/crypto.js';
import { errors } from '../platform/errors.js';
import { Field, RadioGroup } from '../platform/web/forms.js';
import { BackLink, CodeField, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { staffSignedIn } from '../staff/staff-guard.js';
import { checkSecondSignal, confirmCallerCheck, describeCheck, startCallerCheck, type SignalKind } from './caller-check.js';
import { describe, type FoundCustomer } from './search.js';
import type { StaffPage } from './search-page.js';

/**
 * Checking the caller, in pages: pick a contact on file (radio buttons carrying the contact's id — there is no
 * box to type a number into), type the ticket, send; then type the code the caller reads back. A postcode or an
 * order amount can be compared on the way: the page says match or no match, nothing else.
 */
export function registerCheckPages(routes: PageRoutes): void {
  routes.post('/support/customers/:id/checks', staffSignedIn, async (page) => {
    const accountId = idParam(page);
    try {
      const started = await startCallerCheck(page.deps, page.staff, { accountId, identifierId: page.field('contact', 64), ticket: page.field('ticket', 200), info: page.info });
      return page.redirect(`/support/checks/${started.challengeId}`);
    } catch (error) {
      const problem = page.problem(error);
      const [customer] = await describe(page.deps, page.staff, [accountId]);
      if (!customer) throw errors.notFound('customer');
      return renderStartCheck(page, customer, problem, page.echo('ticket', 40));
    }
  });

  routes.get('/support/checks/:id', staffSignedIn, async (page) => renderCheck(page, idParam(page), NO_PROBLEM));

  routes.post('/support/checks/:id/confirm', staffSignedIn, async (page) => {
    const checkId = idParam(page);
    try {
      const window = await confirmCallerCheck(page.deps, page.staff, { challengeId: checkId, code: page.field('code', 20), info: page.info });
      return page.redirect(`/support/customers/${window.accountId}`);
    } catch (error) {
      return renderCheck(page, checkId, page.problem(error));
    }
  });

  routes.post('/support/checks/:id/signal', staffSignedIn, async (page) => {
    const checkId = idParam(page);
    const kind: SignalKind = page.field('kind', 20) === 'order_amount' ? 'order_amount' : 'postcode';
    try {
      const match = await checkSecondSignal(page.deps, page.staff, { challengeId: checkId, kind, value: page.field('value', 40) });
      return renderCheck(page, checkId, NO_PROBLEM, match ? 'Match: what the caller said is on the account.' : 'No match: what the caller said is not on the account.');
    } catch (error) {
      return renderCheck(page, checkId, page.problem(error));
    }
  });
}

export function idParam(page: StaffPage): string {
  const id = (page.request.params as Record<string, string>).id;
  if (!isOpaqueId(id)) throw errors.notFound();
  return id;
}

/** The form that starts a check, shown on the customer's page until the caller is verified. */
export function renderStartCheck(page: StaffPage, customer: FoundCustomer, problem: FormProblem, ticket: string, closure?: VNode | null) {
  const options = Object.fromEntries(customer.contacts.map((c) => [c.id, `${c.kind === 'email' ? 'Email' : 'Text message'} to ${c.shown}`]));
  return page.render(
    { title: `Check the caller: ${customer.name}`, wide: true },
    <>
      <BackLink href="/support/customers">Find a customer</BackLink>
      <h1 class="page-title">Check who is calling</h1>
      <p class="lead">
        {customer.name} ({customer.status}). Send a code to a contact already on file and ask the caller to read it back. Never send it
        anywhere the caller suggests.
      </p>
      {closure}
      <Problem problem={problem} />
      <p>
        Caller lost both their email and their phone? <a href={`/support/customers/${customer.id}/recovery`}>Start a supervised recovery</a>.
      </p>
      {customer.contacts.length === 0 ? (
        <p>This customer has no verified contact, so the caller cannot be checked.</p>
      ) : (
        <PostForm action={`/support/customers/${customer.id}/checks`} csrf={page.csrf}>
          <RadioGroup name="contact" legend="Send the code to" options={options} value={customer.contacts[0]!.id} error={problem.fields.contact} />
          <Field name="ticket" label="Ticket reference" value={ticket} error={problem.fields.ticket} required maxLength={40} spellcheck={false} autocapitalize="none" hint="Every action in this call is filed under it." />
          <div class="form-actions">
            <button type="submit" class="button" accessKey="c">Send the code</button>
          </div>
        </PostForm>
      )}
    </>,
    problem.status,
  );
}

async function renderCheck(page: StaffPage, checkId: string, problem: FormProblem, signal?: string) {
  const check = await describeCheck(page.deps, page.staff, checkId);
  return page.render(
    { title: 'Type the code the caller reads', wide: true },
    <>
      <BackLink href={`/support/customers/${check.accountId}`}>The customer</BackLink>
      <h1 class="page-title">Type the code the caller reads</h1>
      <p class="lead">
        We sent a code to <span class="identifier">{check.sentTo}</span> for ticket {check.ticket}. {check.live ? 'It works for 10 minutes.' : 'This check has ended; start a new one from the customer.'}
      </p>
      <Problem problem={problem} />
      {signal ? <p role="status" class="notice">{signal}</p> : null}
      <PostForm action={`/support/checks/${checkId}/confirm`} csrf={page.csrf}>
        <CodeField error={problem.fields.code} hint="The 6 digits the caller reads out." />
        <div class="form-actions">
          <button type="submit" class="button" accessKey="v">Verify the caller</button>
        </div>
      </PostForm>
      <h2>Also check something the caller knows (optional)</h2>
      <PostForm action={`/support/checks/${checkId}/signal`} csrf={page.csrf}>
        <RadioGroup name="kind" legend="What the caller says" options={{ postcode: 'A postcode of theirs', order_amount: 'The amount of an order' }} value="postcode" />
        <Field name="value" label="What they said" value="" error={problem.fields.value} maxLength={40} spellcheck={false} autocapitalize="none" />
        <div class="form-actions">
          <button type="submit" class="button secondary">Compare</button>
        </div>
      </PostForm>
    </>,
    problem.status,
  );
}
