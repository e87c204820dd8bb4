import { errors } from '../../platform/errors.js';
import { formatTime } from '../../platform/format.js';
import { Field } from '../../platform/web/forms.js';
import { BackLink, PostForm, Problem } from '../../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../../platform/web/page-routes.js';
import { can } from '../../staff/roles.js';
import { requirePermission, staffSignedIn } from '../../staff/staff-guard.js';
import { idParam } from '../check-pages.js';
import type { StaffPage } from '../search-page.js';
import { visibleRecovery } from './api.js';
import { approveRecovery, startRecovery } from './recovery.js';
import { cancelByStaff } from './finish.js';
import { listRecoveries, type RecoveryRow } from './store.js';

/**
 * Supervised recovery in the console: the start form (reached from the customer page, for a caller who can't
 * receive a code), the supervisors' list, and one recovery with its approve and cancel buttons. No page has a
 * field for the wait: it comes from config alone.
 */
const STATES: Record<RecoveryRow['state'], string> = {
  awaiting_approval: 'Waiting for a supervisor',
  waiting: 'Approved: waiting period running, account locked',
  link_sent: 'Link sent to the new address',
  completed: 'Completed',
  cancelled: 'Cancelled',
  expired: 'Link expired unused',
};

export function registerRecoveryStaffPages(routes: PageRoutes): void {
  routes.get('/support/customers/:id/recovery', staffSignedIn, async (page) => renderStart(page, idParam(page), NO_PROBLEM));

  routes.post('/support/customers/:id/recovery', staffSignedIn, async (page) => {
    const accountId = idParam(page);
    try {
      const id = await startRecovery(page.deps, page.staff, {
        accountId,
        ticket: page.field('ticket', 200),
        newEmail: page.field('new_email', 320),
        evidence: { order_number: page.field('order_number', 40), order_amount: page.field('order_amount', 40), postcode: page.field('postcode', 40) },
      });
      return page.redirect(`/support/recoveries/${id}`);
    } catch (error) {
      return renderStart(page, accountId, page.problem(error));
    }
  });

  routes.get('/support/recoveries', staffSignedIn, async (page) => {
    requirePermission(page.staff, 'recovery.approve');
    const rows = await listRecoveries(page.deps.db);
    return page.render(
      { title: 'Recoveries', wide: true },
      <>
        <h1 class="page-title">Supervised recoveries</h1>
        {rows.length === 0 ? <p>None yet.</p> : (
          <ul class="recoveries">
            {rows.map((r) => <li><a href={`/support/recoveries/${r.id}`}>{formatTime(r.created_at)}, ticket {r.ticket}</a>: {STATES[r.state]}</li>)}
          </ul>
        )}
      </>,
    );
  });

  routes.get('/support/recoveries/:id', staffSignedIn, async (page) => renderRecovery(page, idParam(page), NO_PROBLEM));

  for (const [path, act] of [
    ['approve', (page: StaffPage, id: string) => approveRecovery(page.deps, page.staff, id)],
    ['cancel', async (page: StaffPage, id: string) => { await visibleRecovery(page.deps, page.staff, id); await cancelByStaff(page.deps, page.staff, id); }],
  ] as const) {
    routes.post(`/support/recoveries/:id/${path}`, staffSignedIn, async (page) => {
      const id = idParam(page);
      try {
        await act(page, id);
        return page.redirect(`/support/recoveries/${id}`);
      } catch (error) {
        return renderRecovery(page, id, page.problem(error));
      }
    });
  }
}

function renderStart(page: StaffPage, accountId: string, problem: FormProblem) {
  requirePermission(page.staff, 'recovery.start');
  return page.render(
    { title: 'Start a supervised recovery', wide: true },
    <>
      <BackLink href={`/support/customers/${accountId}`}>The customer</BackLink>
      <h1 class="page-title">Start a supervised recovery</h1>
      <p class="lead">
        Only for a caller who lost both their email and their phone. Ask them for an order number, that order’s total and a postcode on the
        account; all three must match, and you will not be told which one did not. A supervisor approves, then the account waits
        {` ${page.deps.config.supportRecoveryWaitHours} `}hours while every old contact can cancel.
      </p>
      <Problem problem={problem} />
      <PostForm action={`/support/customers/${accountId}/recovery`} csrf={page.csrf}>
        <Field name="ticket" label="Ticket reference" value={page.echo('ticket', 40)} error={problem.fields.ticket} required maxLength={40} spellcheck={false} autocapitalize="none" />
        <Field name="order_number" label="An order number the caller gives" value="" error={problem.fields.order_number} required maxLength={40} spellcheck={false} autocapitalize="none" />
        <Field name="order_amount" label="That order’s total, as on the receipt" value="" error={problem.fields.order_amount} required maxLength={40} inputmode="text" />
        <Field name="postcode" label="A postcode on the account" value="" error={problem.fields.postcode} required maxLength={40} spellcheck={false} />
        <Field name="new_email" label="The new email address the caller gives" type="email" value={page.echo('new_email', 320)} error={problem.fields.new_email} required maxLength={320} inputmode="email" spellcheck={false} autocapitalize="none" hint="It proves itself at the end, by using the link we send it." />
        <div class="form-actions">
          <button type="submit" class="button">Ask a supervisor to approve</button>
        </div>
      </PostForm>
    </>,
    problem.status,
  );
}

async function renderRecovery(page: StaffPage, id: string, problem: FormProblem) {
  const r = await visibleRecovery(page.deps, page.staff, id).catch(() => { throw errors.notFound('recovery'); });
  const open = r.state === 'awaiting_approval' || r.state === 'waiting' || r.state === 'link_sent';
  const mayApprove = r.state === 'awaiting_approval' && can(page.staff.role, 'recovery.approve') && r.started_by !== page.staff.id;
  return page.render(
    { title: `Recovery ${r.ticket}`, wide: true },
    <>
      <BackLink href={can(page.staff.role, 'recovery.approve') ? '/support/recoveries' : '/support/customers'}>Recoveries</BackLink>
      <h1 class="page-title">Recovery for ticket {r.ticket}</h1>
      <Problem problem={problem} />
      <dl>
        <dt>State</dt><dd data-state={r.state}>{STATES[r.state]}</dd>
        <dt>New email</dt><dd class="identifier">{r.new_email}</dd>
        <dt>Evidence</dt><dd>Order number, order total and postcode all matched (values are never shown)</dd>
        <dt>Started</dt><dd>{formatTime(r.created_at)}{r.started_by === page.staff.id ? ' by you' : ''}</dd>
        {r.wait_until !== null ? <><dt>Waiting until</dt><dd>{formatTime(r.wait_until)}</dd></> : null}
      </dl>
      {r.state === 'awaiting_approval' && r.started_by === page.staff.id ? <p>Another supervisor must approve a recovery you started.</p> : null}
      <div class="form-actions">
        {mayApprove ? (
          <PostForm action={`/support/recoveries/${r.id}/approve`} csrf={page.csrf}>
            <button type="submit" class="button" accessKey="a">Approve and start the wait</button>
          </PostForm>
        ) : null}
        {open ? (
          <PostForm action={`/support/recoveries/${r.id}/cancel`} csrf={page.csrf}>
            <button type="submit" class="button secondary">Cancel the recovery</button>
          </PostForm>
        ) : null}
      </div>
    </>,
    problem.status,
  );
}
