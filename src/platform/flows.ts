import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import { isOpaqueId, newId } from './crypto.js';
import type { Database } from './db/schema.js';
import { errors } from './errors.js';

/**
 * A flow is a stored, expiring record with an explicit state (sign-up, sign-in, step-up, …). Pages and the
 * JSON API render and advance the same flows. Every step moves the state with one conditional update, so a
 * step can't be replayed or raced: whoever moves it first wins, the other gets `flow.wrong_step`.
 */
export interface FlowKind<Data> {
  /** Stored in flows.kind; each feature names its own kinds (signup/signup.ts: SIGNUP_FLOW). */
  readonly name: string;
  /** Never set: it tells the type checker what a flow of this kind carries, so loading one gives its data's type. */
  readonly data?: Data;
}

export function flowKind<Data>(name: string): FlowKind<Data> {
  return { name };
}

export interface Flow<Data = Record<string, unknown>> {
  id: string;
  kind: string;
  state: string;
  accountId: string | null;
  data: Data;
  factorsPassed: string[];
  expiresAt: number;
}

export async function createFlow<Data>(
  db: Kysely<Database>,
  clock: Clock,
  input: { kind: FlowKind<Data>; state: string; ttlMs: number; accountId?: string | null; data: NoInfer<Data> },
): Promise<Flow<Data>> {
  const now = clock.now();
  const flow: Flow<Data> = {
    id: newId(),
    kind: input.kind.name,
    state: input.state,
    accountId: input.accountId ?? null,
    data: input.data,
    factorsPassed: [],
    expiresAt: now + input.ttlMs,
  };
  await db
    .insertInto('flows')
    .values({
      id: flow.id,
      kind: flow.kind,
      state: flow.state,
      account_id: flow.accountId,
      data: JSON.stringify(flow.data),
      factors_passed: '[]',
      created_at: now,
      expires_at: flow.expiresAt,
      completed_at: null,
    })
    .execute();
  return flow;
}

/** Loads a live flow of the given kind; an unknown id is 404, an expired one 410. */
export async function loadFlow<Data>(db: Kysely<Database>, clock: Clock, id: string, kind: FlowKind<Data>): Promise<Flow<Data>> {
  if (!isOpaqueId(id)) throw errors.notFound('request');
  const row = await db.selectFrom('flows').selectAll().where('id', '=', id).where('kind', '=', kind.name).executeTakeFirst();
  if (!row) throw errors.notFound('request');
  if (row.expires_at <= clock.now()) throw errors.flowExpired();
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    accountId: row.account_id,
    data: JSON.parse(row.data) as Data,
    factorsPassed: JSON.parse(row.factors_passed) as string[],
    expiresAt: row.expires_at,
  };
}

/**
 * A flow's data whatever its state or age, for what a page says once the flow can't go on (its own expiry
 * still applies to every step); undefined for an unknown id. Rows are swept by the flows' cleanup job.
 */
export async function loadFlowData<Data>(db: Kysely<Database>, id: string, kind: FlowKind<Data>): Promise<Data | undefined> {
  if (!isOpaqueId(id)) return undefined;
  const row = await db.selectFrom('flows').select('data').where('id', '=', id).where('kind', '=', kind.name).executeTakeFirst();
  return row ? (JSON.parse(row.data) as Data) : undefined;
}

/** Moves a flow from `from` to a new state; throws unless this call made the move. */
export async function advanceFlow<Data>(
  db: Kysely<Database>,
  clock: Clock,
  flow: Flow<Data>,
  from: string,
  to: { state: string; accountId?: string | null; data?: Data; factorsPassed?: string[]; done?: boolean },
): Promise<Flow<Data>> {
  const now = clock.now();
  const result = await db
    .updateTable('flows')
    .set({
      state: to.state,
      account_id: to.accountId === undefined ? flow.accountId : to.accountId,
      data: JSON.stringify(to.data ?? flow.data),
      factors_passed: JSON.stringify(to.factorsPassed ?? flow.factorsPassed),
      completed_at: to.done ? now : null,
    })
    .where('id', '=', flow.id)
    .where('state', '=', from)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw errors.flowState();
  return {
    ...flow,
    state: to.state,
    accountId: to.accountId === undefined ? flow.accountId : to.accountId,
    data: to.data ?? flow.data,
    factorsPassed: to.factorsPassed ?? flow.factorsPassed,
  };
}

export function requireState(flow: Flow<unknown>, state: string): void {
  if (flow.state !== state) throw errors.flowState();
}

/** Ends flows before their time (a newer one replaced them): loading one answers `flow.expired` from now on. */
export async function expireFlows(db: Kysely<Database>, clock: Clock, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('flows').set({ expires_at: clock.now() }).where('id', 'in', ids).where('completed_at', 'is', null).execute();
}

/** The answers that mean a flow can't go on (unknown, expired, or already moved on): a page offers to start again. */
const FLOW_GONE = new Set(['not_found', 'flow.expired', 'flow.wrong_step']);

export function isFlowGone(code: string): boolean {
  return FLOW_GONE.has(code);
}
