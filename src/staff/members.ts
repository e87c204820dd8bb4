import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { DAY } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import { newId, randomToken, sha256 } from '../platform/crypto.js';
import { AppError, errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { auditStaff } from './audit.js';
import { mayGrant, type StaffRole } from './roles.js';
import { endAllStaffSessions } from './session-store.js';
import { deleteStaffFactors, getStaff, insertSetupLink, insertStaff, listStaffRows, retireSetupLinks, setStaffStatus, type StaffRecord } from './store.js';

/**
 * Managing staff: from the shell (cli/staff.ts, acting as nobody, the first admin's only door) or by an admin in
 * the console, who can grant no role above their own. Creating or resetting someone returns a setup link, shown
 * once: single-use, 24 hours, only its hash kept. No other route creates a member or raises a role.
 */
export const SETUP_LINK_MS = DAY;

interface MemberDeps {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
  config: { publicUrl: string };
  notifyOutbox(): void;
}

/** Who acts: a staff member (their role bounds what they grant) or the shell. */
export type Actor = { id: string; role: StaffRole } | { id: null; role: 'shell' };

export interface StaffSummary {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  status: StaffRecord['status'];
  createdAt: number;
}

export function summary(record: StaffRecord): StaffSummary {
  return { id: record.id, email: record.email, name: record.name, role: record.role, status: record.status, createdAt: record.createdAt };
}

export function normalizeStaffEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function checkNewMember(input: { email: string; name: string; role: string }): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!/^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/.test(input.email) || input.email.length > 254) problems.email = 'Enter an email address, like name@example.com.';
  if (!input.name.trim() || input.name.length > 100) problems.name = 'Enter a name of 1 to 100 characters.';
  if (!['agent', 'supervisor', 'admin'].includes(input.role)) problems.role = 'Choose agent, supervisor or admin.';
  return problems;
}

function refuseGrant(actor: Actor, role: StaffRole): void {
  if (actor.role !== 'shell' && !mayGrant(actor.role, role)) throw new AppError(403, 'support.forbidden', 'You can’t give someone a role above your own.');
}

async function newSetupLink(deps: MemberDeps, db: Kysely<Database>, staffId: string): Promise<string> {
  const token = randomToken(deps.random);
  await retireSetupLinks(db, deps.clock, staffId);
  await insertSetupLink(db, deps.clock, { staffId, tokenHash: sha256(token), expiresAt: deps.clock.now() + SETUP_LINK_MS });
  return `${deps.config.publicUrl}/support/setup?token=${token}`;
}

export async function createStaff(deps: MemberDeps, actor: Actor, input: { email: string; name: string; role: string }, ip?: string): Promise<{ staff: StaffSummary; setupLink: string }> {
  const email = normalizeStaffEmail(input.email);
  const name = input.name.trim();
  const problems = checkNewMember({ email, name, role: input.role });
  if (Object.keys(problems).length) throw errors.invalidInput(problems);
  const role = input.role as StaffRole;
  refuseGrant(actor, role);
  const id = newId();
  return inTransaction(deps, async ({ db: tx }) => {
    if (!(await insertStaff(tx, deps.clock, { id, email, name, role, createdBy: actor.id }))) {
      throw new AppError(409, 'staff.email_taken', 'A staff member already has that email address.', { email: 'A staff member already has that email address.' });
    }
    const setupLink = await newSetupLink(deps, tx, id);
    await auditStaff({ db: tx, clock: deps.clock }, 'staff.created', { staffId: id, actorId: actor.id, detail: { role }, ip });
    return { staff: summary((await getStaff(tx, id))!), setupLink };
  });
}

export async function listStaff(deps: { db: Kysely<Database> }): Promise<StaffSummary[]> {
  return (await listStaffRows(deps.db)).map(summary);
}

/** The member an actor may manage: unknown is 404, and nobody manages a role above their own. */
async function managed(db: Kysely<Database>, actor: Actor, id: string): Promise<StaffRecord> {
  const member = await getStaff(db, id);
  if (!member) throw new AppError(404, 'staff.not_found', 'No staff member has that id.');
  refuseGrant(actor, member.role);
  return member;
}

/** Disabled at once: sessions end, setup links stop working; the guard also checks status on every request. */
export async function disableStaff(deps: MemberDeps, actor: Actor, id: string, ip?: string): Promise<StaffSummary> {
  return inTransaction(deps, async ({ db: tx }) => {
    await managed(tx, actor, id);
    await setStaffStatus(tx, deps.clock, id, 'disabled');
    await retireSetupLinks(tx, deps.clock, id);
    const ended = await endAllStaffSessions({ db: tx, clock: deps.clock }, id);
    await auditStaff({ db: tx, clock: deps.clock }, 'staff.disabled', { staffId: id, actorId: actor.id, detail: { sessionsEnded: ended }, ip });
    return summary((await getStaff(tx, id))!);
  });
}

/**
 * A lost factor: the password and every second factor go, sessions end, and a new setup link (shown once) lets
 * the person set both again. A disabled member stays disabled until re-enabled.
 */
export async function resetStaffFactors(deps: MemberDeps, actor: Actor, id: string, ip?: string): Promise<{ staff: StaffSummary; setupLink: string }> {
  return inTransaction(deps, async ({ db: tx }) => {
    const member = await managed(tx, actor, id);
    if (member.status === 'disabled') throw new AppError(409, 'staff.disabled', 'This staff member is disabled.');
    await deleteStaffFactors(tx, id);
    await setStaffStatus(tx, deps.clock, id, 'setup', null);
    const ended = await endAllStaffSessions({ db: tx, clock: deps.clock }, id);
    const setupLink = await newSetupLink(deps, tx, id);
    await auditStaff({ db: tx, clock: deps.clock }, 'staff.factors_reset', { staffId: id, actorId: actor.id, detail: { sessionsEnded: ended }, ip });
    return { staff: summary((await getStaff(tx, id))!), setupLink };
  });
}
