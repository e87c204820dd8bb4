import { expect } from 'vitest';
import { api, lastCodeTo, STRONG_PASSWORD, type JsonResponse, type TestApp } from './app.js';

/**
 * Small helpers shared by the security suite. Each sign-up comes from its own address, so the per-source
 * sign-up throttle never decides a test that is not about it.
 */
let nextHost = 1;
export function freshIp(): string {
  const n = nextHost++;
  return `198.51.${100 + Math.floor(n / 250)}.${(n % 250) + 1}`;
}

export async function signUpFrom(
  t: TestApp,
  input: { name?: string; email: string; password?: string; phone?: string },
): Promise<{ token: string; accountId: string }> {
  const ip = freshIp();
  const started = await api(t, 'POST', '/api/v1/signup', {
    ip,
    body: { name: input.name ?? 'Test Customer', email: input.email, password: input.password ?? STRONG_PASSWORD, ...(input.phone ? { phone: input.phone } : {}) },
  });
  if (started.status !== 202) throw new Error(`signup failed: ${JSON.stringify(started.body)}`);
  const code = await lastCodeTo(t, input.email);
  const confirmed = await api(t, 'POST', `/api/v1/signup/${started.body.flow.id}/confirm`, { ip, body: { code, password: input.password ?? STRONG_PASSWORD } });
  if (confirmed.status !== 201) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)}`);
  return { token: confirmed.body.session.token, accountId: await accountIdOf(t, input.email) };
}

/** The account an identifier (normalized email or E.164 phone) belongs to, read from the database. */
export async function accountIdOf(t: TestApp, normalized: string): Promise<string> {
  const row = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', normalized.toLowerCase()).executeTakeFirst();
  if (!row) throw new Error(`no account for ${normalized}`);
  return row.account_id;
}

export async function throttleFailures(t: TestApp, key: string): Promise<number> {
  const row = await t.app.deps.db.selectFrom('throttles').select('failures').where('key', '=', key).executeTakeFirst();
  return row?.failures ?? 0;
}

export async function setStatus(t: TestApp, accountId: string, status: 'active' | 'locked' | 'closed'): Promise<void> {
  await t.app.deps.db.updateTable('accounts').set({ status }).where('id', '=', accountId).execute();
}

export async function countRows(t: TestApp, table: 'accounts' | 'identifiers' | 'flows' | 'verifications' | 'sessions' | 'outbox' | 'throttles'): Promise<number> {
  const row = await t.app.deps.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function messagesTo(t: TestApp, recipient: string) {
  return t.app.deps.db.selectFrom('outbox').selectAll().where('recipient', '=', recipient).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

/** Every text value in every row of a table, for "this secret is nowhere in it" checks. */
export async function textValuesOf(t: TestApp, table: 'flows' | 'verifications' | 'sessions' | 'audit_events' | 'outbox' | 'accounts' | 'throttles'): Promise<string[]> {
  const rows = (await t.app.deps.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
  return rows.flatMap((row) => Object.values(row).filter((v): v is string => typeof v === 'string'));
}

/** Starts a sign-in flow and sends the identifier; returns the flow id ready for a password. */
export async function signinAtPassword(t: TestApp, identifier: string, ip?: string): Promise<string> {
  const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip });
  const identified = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier }, ip });
  if (identified.status !== 200) throw new Error(`identifier step failed: ${JSON.stringify(identified.body)}`);
  return flow.body.flow.id as string;
}

export function submitPassword(t: TestApp, flowId: string, password: string, ip?: string): Promise<JsonResponse> {
  return api(t, 'POST', `/api/v1/signin/flows/${flowId}/password`, { body: { password }, ip });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs an action and returns the messages it put in the outbox for a recipient (order-independent). */
export async function newMessagesTo<T>(t: TestApp, recipient: string, action: () => Promise<T>): Promise<{ result: T; messages: Awaited<ReturnType<typeof messagesTo>> }> {
  const before = new Set((await messagesTo(t, recipient)).map((m) => m.id));
  const result = await action();
  const messages = (await messagesTo(t, recipient)).filter((m) => !before.has(m.id));
  return { result, messages };
}


export interface RawResponse {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/** A request with a hand-made body and headers (malformed JSON, other content types, odd URLs, cookies). */
export async function raw(
  t: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const contentType: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' };
  const res = await t.app.fastify.inject({ method, url, payload, remoteAddress: freshIp(), headers: { ...contentType, ...headers } });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // Not JSON: kept as text for the assertion to show.
  }
  return { status: res.statusCode, body, headers: res.headers };
}

/** A 4xx in the API's one error shape, with the expected stable code. */
export function expectClientError(res: { status: number; body: any }, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

/**
 * For tests about attempts rather than messages: budgets so large that no burst of requests meets them, so what
 * is measured is the attempt gate alone (the budgets have their own tests, message-budgets.test.ts).
 */
export const UNLIMITED_MESSAGE_BUDGETS: Record<string, string> = Object.fromEntries(
  ['NUMBER', 'ACCOUNT', 'NETWORK', 'COUNTRY'].flatMap((scope) => ['HOUR', 'DAY'].map((period) => [`SMS_BUDGET_${scope}_${period}`, '1000000'])).concat([
    ['SMS_MAX_PER_HOUR', '1000000'],
    ['EMAIL_BUDGET_ADDRESS_HOUR', '1000000'],
    ['EMAIL_BUDGET_ADDRESS_DAY', '1000000'],
  ]),
);
