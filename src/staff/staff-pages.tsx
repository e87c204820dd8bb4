import { Field, SelectField } from '../platform/web/forms.js';
import { PostForm, Problem } from '../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type GuardedPage, type PageRoutes } from '../platform/web/page-routes.js';
import { iso } from '../platform/format.js';
import { isOpaqueId } from '../platform/crypto.js';
import { errors } from '../platform/errors.js';
import { readStaffAudit } from './audit.js';
import { createStaff, disableStaff, listStaff, resetStaffFactors } from './members.js';
import { STAFF_ROLES } from './roles.js';
import { requirePermission, staffSignedIn, type StaffMember } from './staff-guard.js';

/**
 * Admins manage staff in the console (permission staff.manage): the list, adding someone (the setup link is shown
 * on the answer page once, never stored in plain), disabling, resetting factors; and the audit list (staff.audit).
 * Every action is the shell's own function (members.ts) with the admin as actor, so the same role rules hold.
 */
type StaffPage = GuardedPage<{ staff: StaffMember }>;

interface Outcome {
  message: string;
  setupLink?: string;
}

export function registerStaffPages(routes: PageRoutes): void {
  routes.get('/support/staff', staffSignedIn, async (page) => {
    requirePermission(page.staff, 'staff.manage');
    return renderStaff(page, NO_PROBLEM, null);
  });

  routes.post('/support/staff', staffSignedIn, async (page) => {
    requirePermission(page.staff, 'staff.manage');
    try {
      const input = { email: page.field('email', 320), name: page.field('name', 100), role: page.field('role', 20) };
      const created = await createStaff(page.deps, { id: page.staff.id, role: page.staff.role }, input, page.info.ip);
      return renderStaff(page, NO_PROBLEM, { message: `Added ${created.staff.email} as ${created.staff.role}. Give them this setup link; it is shown only this once and works for 24 hours.`, setupLink: created.setupLink });
    } catch (error) {
      return renderStaff(page, page.problem(error), null);
    }
  });

  routes.post('/support/staff/:staffId/:action', staffSignedIn, async (page) => {
    requirePermission(page.staff, 'staff.manage');
    const { staffId, action } = page.request.params as { staffId: string; action: string };
    if (!isOpaqueId(staffId) || (action !== 'disable' && action !== 'reset-factors')) throw errors.notFound();
    const actor = { id: page.staff.id, role: page.staff.role };
    try {
      if (action === 'disable') {
        const member = await disableStaff(page.deps, actor, staffId, page.info.ip);
        return renderStaff(page, NO_PROBLEM, { message: `Disabled ${member.email}; their sessions have ended.` });
      }
      const reset = await resetStaffFactors(page.deps, actor, staffId, page.info.ip);
      return renderStaff(page, NO_PROBLEM, { message: `Reset ${reset.staff.email}: their sessions have ended. Give them this new setup link; it is shown only this once.`, setupLink: reset.setupLink });
    } catch (error) {
      return renderStaff(page, page.problem(error), null);
    }
  });

  routes.get('/support/staff/audit', staffSignedIn, async (page) => {
    requirePermission(page.staff, 'staff.audit');
    const entries = await readStaffAudit(page.deps);
    return page.render(
      { title: 'Staff audit list', wide: true },
      <section class="card">
        <h1>Staff audit list</h1>
        <table class="staff-audit">
          <thead><tr><th>When</th><th>Event</th><th>Staff</th><th>By</th><th>Address</th></tr></thead>
          <tbody>
            {entries.map((e) => <tr><td>{iso(e.createdAt)}</td><td>{e.type}</td><td>{e.staffId ?? '—'}</td><td>{e.actorId ?? 'shell'}</td><td>{e.ip ?? ''}</td></tr>)}
          </tbody>
        </table>
      </section>,
    );
  });
}

async function renderStaff(page: StaffPage, problem: FormProblem, outcome: Outcome | null) {
  const members = await listStaff(page.deps);
  return page.render(
    { title: 'Staff', wide: true },
    <>
      <section class="card">
        <h1>Staff</h1>
        {outcome && (
          <div class="notice" role="status">
            <p>{outcome.message}</p>
            {outcome.setupLink && <p><code class="setup-link">{outcome.setupLink}</code></p>}
          </div>
        )}
        <Problem problem={problem} />
        <table class="staff-list">
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Status</th><th></th></tr></thead>
          <tbody>
            {members.map((m) => (
              <tr data-staff-id={m.id}>
                <td>{m.name}</td><td>{m.email}</td><td>{m.role}</td><td>{m.status}</td>
                <td>
                  {m.status !== 'disabled' && m.id !== page.staff.id && (
                    <>
                      <PostForm action={`/support/staff/${m.id}/reset-factors`} csrf={page.csrf}><button type="submit" class="button secondary">Reset factors</button></PostForm>
                      <PostForm action={`/support/staff/${m.id}/disable`} csrf={page.csrf}><button type="submit" class="button danger">Disable</button></PostForm>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p><a href="/support/staff/audit">Staff audit list</a> · <a href="/support/staff-actions">Staff actions on customers</a></p>
      </section>
      <section class="card narrow">
        <h2>Add a staff member</h2>
        <PostForm action="/support/staff" csrf={page.csrf}>
          <Field name="name" label="Name" value={outcome ? '' : page.echo('name', 100)} error={problem.fields.name} required />
          <Field name="email" type="email" label="Work email" value={outcome ? '' : page.echo('email', 320)} error={problem.fields.email} spellcheck={false} autocapitalize="none" required />
          <SelectField name="role" label="Role" options={STAFF_ROLES.map((r) => [r, r] as const)} value={page.echo('role', 20) || 'agent'} error={problem.fields.role} />
          <div class="form-actions"><button type="submit" class="button">Add and show setup link</button></div>
        </PostForm>
      </section>
    </>,
    problem.status,
  );
}
