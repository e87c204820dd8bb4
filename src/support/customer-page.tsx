import { AppError, errors } from '../platform/errors.js';
import { formatTime } from '../platform/format.js';
import { TextArea } from '../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../platform/web/page-routes.js';
import { staffSignedIn } from '../staff/staff-guard.js';
import { addNote, endCustomerSessions, lockCustomer, NOTE_MAX } from './actions.js';
import { viewCustomer, type CustomerRecord } from './customer-view.js';
import { idParam, renderStartCheck } from './check-pages.js';
import { describe } from './search.js';
import { spendAgentAllowance } from './agent-limits.js';
import type { StaffPage } from './search-page.js';
import { MORE_DONE, MoreActions, registerMoreActions } from './more-actions-page.js';
import { closureNotice } from '../closing/closure-notice.js';
import { MergesPanel, mergesOf } from '../merging/support-merges.js';

/**
 * /support/customers/:id: the check form until this agent has verified the caller, then the customer — contacts,
 * cards (brand and expiry state), orders, cases, sessions, activity, notes — and the actions, each a one-button
 * form reachable by Tab and Enter.
 */
const DONE: Record<string, string> = {
  sessions: 'Every session was ended; the customer was emailed.',
  locked: 'The account is locked; the customer was emailed.',
  unlocked: 'The account is unlocked; the customer was emailed.',
  note: 'Note added.',
  'merge-undone': 'The merge was undone; both accounts were told.',
  ...MORE_DONE,
};

export function registerSupportCustomerPage(routes: PageRoutes): void {
  routes.get('/support/customers/:id', staffSignedIn, async (page) => renderCustomer(page, idParam(page), NO_PROBLEM, ''));

  const act = (path: string, done: string, action: (page: StaffPage, accountId: string) => Promise<unknown>) =>
    routes.post(`/support/customers/:id/${path}`, staffSignedIn, async (page) => {
      const accountId = idParam(page);
      try {
        await action(page, accountId);
        return page.redirect(`/support/customers/${accountId}?done=${done}`);
      } catch (error) {
        return renderCustomer(page, accountId, page.problem(error), page.echo('text', NOTE_MAX));
      }
    });
  act('end-sessions', 'sessions', (page, id) => endCustomerSessions(page.deps, page.staff, id));
  act('lock', 'locked', (page, id) => lockCustomer(page.deps, page.staff, id, true));
  act('unlock', 'unlocked', (page, id) => lockCustomer(page.deps, page.staff, id, false));
  act('notes', 'note', (page, id) => addNote(page.deps, page.staff, id, page.field('text', NOTE_MAX * 4)));
  registerMoreActions(act);
}

async function renderCustomer(page: StaffPage, accountId: string, problem: FormProblem, note: string) {
  let record: CustomerRecord;
  try {
    record = await viewCustomer(page.deps, page.staff, accountId);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'support.caller_not_verified') throw error;
    // Opening a customer without a window shows what a search shows, so it costs what a search costs.
    await spendAgentAllowance(page.deps, page.staff, 'search');
    const [customer] = await describe(page.deps, page.staff, [accountId]);
    if (!customer) throw errors.notFound('customer');
    return renderStartCheck(page, customer, problem, '', await closureNotice(page.deps, accountId));
  }
  const done = DONE[page.query('done', 20) ?? ''];
  const merges = await mergesOf(page.deps, accountId);
  return page.render(
    { title: record.name, wide: true, notice: done },
    <>
      <BackLink href="/support/customers">Find a customer</BackLink>
      <h1 class="page-title">{record.name}</h1>
      <p class="lead">
        Account {record.status}. Caller verified by you for ticket {record.ticket} until {formatTime(record.windowExpiresAt)}.
      </p>
      {await closureNotice(page.deps, record.id)}
      <Problem problem={problem} />
      <h2>Contacts</h2>
      <ul>{record.contacts.map((c) => <li class="identifier">{c.value}</li>)}</ul>
      <h2>Cards</h2>
      <ul>{record.cards.length ? record.cards.map((c) => <li>{c.brand}: {c.expiry.replace('_', ' ')}{c.isDefault ? ' (default)' : ''}</li>) : <li>None saved</li>}</ul>
      <Table caption="Orders" head={['Order', 'Status', 'Total', 'Placed']} rows={record.orders.map((o) => [o.number, o.status, `${(o.total / 100).toFixed(2)} ${o.currency}`, formatTime(o.placedAt)])} />
      <Table caption="Cases" head={['Order', 'Kind', 'Status', 'Opened']} rows={record.cases.map((c) => [c.order, c.kind, c.status, formatTime(c.createdAt)])} />
      <Table caption="Sessions" head={['Device', 'Place', 'Started', 'Last used']} rows={record.sessions.map((s) => [s.device, s.place, formatTime(s.startedAt), formatTime(s.lastUsedAt)])} />
      <Table caption="Login activity" head={['When', 'What', 'Where']} rows={record.activity.map((a) => [formatTime(a.at), a.description, [a.device, a.place].filter(Boolean).join(', ')])} />
      <h2>Actions</h2>
      <div class="form-actions">
        <PostForm action={`/support/customers/${record.id}/end-sessions`} csrf={page.csrf}>
          <button type="submit" class="button secondary" accessKey="e">End all sessions</button>
        </PostForm>
        {record.status === 'active' ? (
          <PostForm action={`/support/customers/${record.id}/lock`} csrf={page.csrf}>
            <button type="submit" class="button secondary" accessKey="l">Lock the account</button>
          </PostForm>
        ) : record.status === 'locked' ? (
          <PostForm action={`/support/customers/${record.id}/unlock`} csrf={page.csrf}>
            <button type="submit" class="button secondary" accessKey="u">Unlock the account</button>
          </PostForm>
        ) : null}
      </div>
      <MoreActions page={page} record={record} problem={problem} />
      <MergesPanel accountId={record.id} merges={merges} role={page.staff.role} csrf={page.csrf} now={page.deps.clock.now()} />
      <h2>Notes</h2>
      <PostForm action={`/support/customers/${record.id}/notes`} csrf={page.csrf}>
        <TextArea name="text" label="Add a note" value={note} error={problem.fields.text} maxLength={NOTE_MAX} />
        <div class="form-actions">
          <button type="submit" class="button" accessKey="n">Add note</button>
        </div>
      </PostForm>
      <ul>{record.notes.map((n) => <li>{formatTime(n.createdAt)}, {n.staffName} ({n.ticket}): {n.text}</li>)}</ul>
    </>,
    problem.status,
  );
}

function Table(props: { caption: string; head: string[]; rows: string[][] }) {
  const id = `${props.caption.toLowerCase().replace(/\s+/g, '-')}-caption`;
  if (props.rows.length === 0) return <p><strong>{props.caption}:</strong> none.</p>;
  return (
    <div class="table-scroll" role="region" aria-labelledby={id} tabindex={0}>
      <table>
        <caption id={id}>{props.caption}</caption>
        <thead>
          <tr>{props.head.map((h) => <th scope="col">{h}</th>)}</tr>
        </thead>
        <tbody>
          {props.rows.map(([first, ...rest]) => (
            <tr>
              <th scope="row">{first}</th>
              {rest.map((cell) => <td>{cell}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
