import type { CompiledQuery, Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Clock } from '../platform/clock.js';
import { DAY, MINUTE } from '../platform/clock.js';
import { constantTimeEqual, isOpaqueId, newId, randomToken, sha256 } from '../platform/crypto.js';
import type { Database } from '../platform/db/schema.js';
import type { Random } from '../platform/random.js';
import type { RequestInfo } from '../platform/context.js';
import { describeDevice } from '../activity/device.js';
import { describePlace } from '../activity/place.js';

/**
 * Sessions, lucia-style: the token is `<session id>.<secret>`; only sha256(secret) is stored, looked up by id
 * and compared in constant time (ASVS 7.2.3). 256-bit secrets from the CSPRNG. Idle and absolute expiry are
 * enforced here, server-side (ASVS 7.3.1/7.3.2); a locked or closed account's sessions stop working at once.
 */
export interface AuthenticatedSession {
  sessionId: string;
  accountId: string;
  accountName: string;
  factors: string[];
  authenticatedAt: number;
  createdAt: number;
}

export interface SessionListing {
  id: string;
  device: string;
  place: string;
  ip: string;
  createdAt: number;
  lastUsedAt: number;
}

interface SessionDeps {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
  config: Config;
}

/** last_used_at is written at most once a minute, so a session check is one read almost always. */
const TOUCH_EVERY_MS = MINUTE;

export async function createSession(
  deps: SessionDeps,
  input: { accountId: string; factors: string[]; info: RequestInfo },
): Promise<{ token: string; sessionId: string; expiresAt: number }> {
  const now = deps.clock.now();
  const sessionId = newId();
  const secret = randomToken(deps.random);
  const expiresAt = now + deps.config.sessionAbsoluteDays * DAY;
  await deps.db
    .insertInto('sessions')
    .values({
      id: sessionId,
      account_id: input.accountId,
      token_hash: sha256(secret),
      factors: JSON.stringify(input.factors),
      created_at: now,
      authenticated_at: now,
      last_used_at: now,
      idle_expires_at: Math.min(expiresAt, now + deps.config.sessionIdleMinutes * MINUTE),
      expires_at: expiresAt,
      ended_at: null,
      ip: input.info.ip,
      user_agent: input.info.userAgent.slice(0, 512),
      device: describeDevice(input.info.userAgent),
      place: describePlace(input.info.ip),
    })
    .execute();
  return { token: `${sessionId}.${secret}`, sessionId, expiresAt };
}

function sessionLookupQuery(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .select([
      'sessions.id',
      'sessions.account_id',
      'sessions.token_hash',
      'sessions.factors',
      'sessions.authenticated_at',
      'sessions.created_at',
      'sessions.last_used_at',
      'sessions.idle_expires_at',
      'sessions.expires_at',
      'sessions.ended_at',
      'accounts.name',
      'accounts.status',
    ])
    .where('sessions.id', '=', sessionId);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionLookupQuery>['executeTakeFirst']>>;

// The session check runs on every authenticated request: its SQL is compiled once per database, not per call.
const compiledLookups = new WeakMap<Kysely<Database>, CompiledQuery<NonNullable<SessionRow>>>();

async function lookupSession(db: Kysely<Database>, sessionId: string): Promise<SessionRow> {
  let compiled = compiledLookups.get(db);
  if (!compiled) {
    compiled = sessionLookupQuery(db, '').compile();
    compiledLookups.set(db, compiled);
  }
  const result = await db.executeQuery<NonNullable<SessionRow>>({ ...compiled, parameters: [sessionId] });
  return result.rows[0];
}

export async function authenticateToken(deps: SessionDeps, token: string): Promise<AuthenticatedSession | null> {
  const dot = token.indexOf('.');
  if (dot < 1 || token.length > 200) return null;
  const sessionId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!isOpaqueId(sessionId) || !/^[\w-]{1,100}$/.test(secret)) return null;
  const now = deps.clock.now();
  const row = await lookupSession(deps.db, sessionId);
  if (!row || !constantTimeEqual(row.token_hash, sha256(secret))) return null;
  if (row.ended_at !== null || row.expires_at <= now || row.idle_expires_at <= now || row.status !== 'active') return null;
  if (now - row.last_used_at >= TOUCH_EVERY_MS) {
    await deps.db
      .updateTable('sessions')
      .set({ last_used_at: now, idle_expires_at: Math.min(row.expires_at, now + deps.config.sessionIdleMinutes * MINUTE) })
      .where('id', '=', row.id)
      .execute();
  }
  return {
    sessionId: row.id,
    accountId: row.account_id,
    accountName: row.name,
    factors: JSON.parse(row.factors) as string[],
    authenticatedAt: row.authenticated_at,
    createdAt: row.created_at,
  };
}

/** Step-up: a fresh secret and a fresh authentication time on the same session (ASVS 7.2.4). */
export async function reauthenticateSession(deps: SessionDeps, sessionId: string): Promise<string> {
  const secret = randomToken(deps.random);
  await deps.db
    .updateTable('sessions')
    .set({ token_hash: sha256(secret), authenticated_at: deps.clock.now() })
    .where('id', '=', sessionId)
    .where('ended_at', 'is', null)
    .execute();
  return `${sessionId}.${secret}`;
}

export async function listSessions(deps: SessionDeps, accountId: string): Promise<SessionListing[]> {
  const now = deps.clock.now();
  const rows = await deps.db
    .selectFrom('sessions')
    .select(['id', 'device', 'place', 'ip', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .where('idle_expires_at', '>', now)
    .orderBy('last_used_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ id: r.id, device: r.device, place: r.place, ip: r.ip, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** Ends one of the account's own sessions; another account's session id is treated as unknown (ASVS 8.2.2). */
export async function endSession(deps: SessionDeps, accountId: string, sessionId: string): Promise<boolean> {
  if (!isOpaqueId(sessionId)) return false;
  const result = await deps.db
    .updateTable('sessions')
    .set({ ended_at: deps.clock.now() })
    .where('id', '=', sessionId)
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function endOtherSessions(deps: SessionDeps, accountId: string, keepSessionId: string | null): Promise<number> {
  let query = deps.db
    .updateTable('sessions')
    .set({ ended_at: deps.clock.now() })
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null);
  if (keepSessionId) query = query.where('id', '!=', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
