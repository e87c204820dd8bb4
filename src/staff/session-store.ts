import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { HOUR, MINUTE } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import { constantTimeEqual, isOpaqueId, newId, randomToken, sha256 } from '../platform/crypto.js';
import type { StaffRole } from './roles.js';

/**
 * Staff sessions: the customers' token shape (`<id>.<secret>`, only sha256(secret) stored, ASVS 7.2.3) in a table
 * of their own, so a customer token is unknown here and a staff token unknown to sessions/store.ts. 12 hours
 * absolute, 30 minutes idle, checked on every request against the member's status: a disabled member's sessions
 * stop at once. After the password alone a session is a 'second_factor' ticket for 10 minutes, good for nothing
 * but the second step, which replaces its secret (no fixation) and makes it 'active'.
 */
export const STAFF_SESSION_ABSOLUTE_MS = 12 * HOUR;
export const STAFF_SESSION_IDLE_MS = 30 * MINUTE;
export const STAFF_TICKET_MS = 10 * MINUTE;
const TOUCH_EVERY_MS = MINUTE;

interface SessionDeps {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
}

export interface StaffSessionRow {
  sessionId: string;
  staffId: string;
  name: string;
  email: string;
  role: StaffRole;
  stage: 'second_factor' | 'active';
  factors: string[];
  createdAt: number;
}

export async function openStaffSession(deps: SessionDeps, input: { staffId: string; stage: 'second_factor' | 'active'; factors: string[]; ip: string }): Promise<{ token: string; sessionId: string; expiresAt: number }> {
  const now = deps.clock.now();
  const id = newId();
  const secret = randomToken(deps.random);
  const expiresAt = now + (input.stage === 'active' ? STAFF_SESSION_ABSOLUTE_MS : STAFF_TICKET_MS);
  await deps.db
    .insertInto('staff_sessions')
    .values({
      id, staff_id: input.staffId, token_hash: sha256(secret), stage: input.stage, factors: JSON.stringify(input.factors), created_at: now, last_used_at: now,
      idle_expires_at: Math.min(expiresAt, now + STAFF_SESSION_IDLE_MS), expires_at: expiresAt, ended_at: null, ip: input.ip,
    })
    .execute();
  return { token: `${id}.${secret}`, sessionId: id, expiresAt };
}

function lookupQuery(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('staff_sessions')
    .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
    .select([
      'staff_sessions.id', 'staff_sessions.staff_id', 'staff_sessions.token_hash', 'staff_sessions.stage', 'staff_sessions.factors', 'staff_sessions.created_at',
      'staff_sessions.last_used_at', 'staff_sessions.expires_at', 'staff_sessions.idle_expires_at', 'staff_sessions.ended_at',
      'staff.name', 'staff.email', 'staff.role', 'staff.status',
    ])
    .where('staff_sessions.id', '=', id);
}

type LookupRow = NonNullable<Awaited<ReturnType<ReturnType<typeof lookupQuery>['executeTakeFirst']>>>;
const compiledLookups = new WeakMap<Kysely<Database>, CompiledQuery<LookupRow>>();

/** The live session (or ticket, when `stage` says so) the token names, or null. */
export async function authenticateStaffToken(deps: SessionDeps, token: string, stage: 'second_factor' | 'active' = 'active'): Promise<StaffSessionRow | null> {
  const dot = token.indexOf('.');
  if (dot < 1 || token.length > 200) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!isOpaqueId(id) || !/^[\w-]{1,100}$/.test(secret)) return null;
  let compiled = compiledLookups.get(deps.db);
  if (!compiled) {
    compiled = lookupQuery(deps.db, '').compile();
    compiledLookups.set(deps.db, compiled);
  }
  const row = (await deps.db.executeQuery<LookupRow>({ ...compiled, parameters: [id] })).rows[0];
  const now = deps.clock.now();
  if (!row || !constantTimeEqual(row.token_hash, sha256(secret))) return null;
  if (row.stage !== stage || row.ended_at !== null || row.expires_at <= now || row.idle_expires_at <= now || row.status !== 'active') return null;
  if (stage === 'active' && now - row.last_used_at >= TOUCH_EVERY_MS) {
    await deps.db.updateTable('staff_sessions').set({ last_used_at: now, idle_expires_at: Math.min(row.expires_at, now + STAFF_SESSION_IDLE_MS) }).where('id', '=', row.id).execute();
  }
  return { sessionId: row.id, staffId: row.staff_id, name: row.name, email: row.email, role: row.role, stage: row.stage, factors: JSON.parse(row.factors) as string[], createdAt: row.created_at };
}

/**
 * The second step passed: the ticket becomes a session with a fresh secret and its own 12 hours. Conditional on
 * still being a ticket, so two answers racing yield one session.
 */
export async function promoteTicket(deps: SessionDeps, sessionId: string, factors: string[]): Promise<{ token: string; expiresAt: number } | null> {
  const now = deps.clock.now();
  const secret = randomToken(deps.random);
  const expiresAt = now + STAFF_SESSION_ABSOLUTE_MS;
  const result = await deps.db
    .updateTable('staff_sessions')
    .set({ token_hash: sha256(secret), stage: 'active', factors: JSON.stringify(factors), created_at: now, last_used_at: now, idle_expires_at: now + STAFF_SESSION_IDLE_MS, expires_at: expiresAt })
    .where('id', '=', sessionId)
    .where('stage', '=', 'second_factor')
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { token: `${sessionId}.${secret}`, expiresAt } : null;
}

export async function endStaffSession(deps: { db: Kysely<Database>; clock: Clock }, sessionId: string): Promise<void> {
  await deps.db.updateTable('staff_sessions').set({ ended_at: deps.clock.now() }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
}

export async function endAllStaffSessions(deps: { db: Kysely<Database>; clock: Clock }, staffId: string): Promise<number> {
  const result = await deps.db.updateTable('staff_sessions').set({ ended_at: deps.clock.now() }).where('staff_id', '=', staffId).where('ended_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
