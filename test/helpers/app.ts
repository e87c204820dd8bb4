import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ManualClock } from '../../src/platform/clock.js';
import { openDatabase } from '../../src/platform/db/connect.js';
import type { Random } from '../../src/platform/random.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { freePort } from './free-port.js';

/**
 * The whole service over a fresh database on the engine under test, with a clock the test moves. Requests go
 * through the real HTTP layer with `inject`, or over a real port when the app listens.
 */
export interface TestApp {
  app: App;
  clock: ManualClock;
  config: Config;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface ListeningTestApp extends TestApp {
  /** `http://127.0.0.1:<port>` (or `http://localhost:<port>`), which is also the app's PUBLIC_URL. */
  baseUrl: string;
}

/** Where an existing database lives, to open another connection pool on it. */
export interface DatabaseLocation {
  databaseUrl?: string;
  dataDir: string;
}

export interface TestAppOptions {
  /** Sees every statement's SQL, for tests that count the work a request does. */
  onQuery?: (sql: string) => void;
  /** The source of every code and token; by default the CSPRNG, as in production (test/helpers/random.ts). */
  random?: Random;
  /** The clock the app reads; by default a new ManualClock. */
  clock?: ManualClock;
  /**
   * Open this existing database (a pool of its own) instead of a fresh one: a second instance of the service,
   * as behind a load balancer, or the service restarted with other settings. Closing leaves the database be.
   */
  database?: DatabaseLocation;
  /**
   * Serve on a free port of 127.0.0.1, which becomes PUBLIC_URL so emailed links reach it. `'localhost'` serves
   * it under a name instead: WebAuthn needs one (an IP address is never an RP ID), and http://localhost is a
   * secure context.
   */
  listen?: true | 'localhost';
}

/** The one builder of the service for tests, e2e and the bench: `env` is the environment beyond NODE_ENV=test. */
export async function createTestApp(env: Record<string, string>, options: TestAppOptions & { listen: true | 'localhost' }): Promise<ListeningTestApp>;
export async function createTestApp(env?: Record<string, string>, options?: TestAppOptions): Promise<TestApp>;
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp | ListeningTestApp> {
  // PUBLIC_URL must name the port before the app is built: emailed links are made from it, never from Host.
  const port = options.listen ? await freePort() : undefined;
  const baseUrl = port === undefined ? undefined : `http://${options.listen === 'localhost' ? 'localhost' : '127.0.0.1'}:${port}`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env, ...(baseUrl ? { PUBLIC_URL: baseUrl } : {}) });
  const database = options.database ? reopen(options.database, options.onQuery) : await createTestDatabase({ onQuery: options.onQuery });
  const clock = options.clock ?? new ManualClock();
  const app = await buildApp({ config, db: database.db, clock, random: options.random });
  const close = async () => {
    await app.close();
    await database.close();
  };
  if (port !== undefined) {
    try {
      await app.fastify.listen({ host: '127.0.0.1', port });
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { app, clock, config, database, close, ...(baseUrl ? { baseUrl } : {}) };
}

/** A pool of its own on an existing database; closing it closes only the pool. */
function reopen(location: DatabaseLocation, onQuery?: (sql: string) => void): TestDatabase {
  const db = openDatabase({ databaseUrl: location.databaseUrl, dataDir: location.dataDir, poolSize: 8, onQuery });
  return { db, databaseUrl: location.databaseUrl, dataDir: location.dataDir, close: () => db.close() };
}

export interface JsonResponse {
  status: number;
  body: any;
  headers: LightMyRequestResponse['headers'];
}

/** A JSON API call, optionally with a session token as a Bearer header. */
export async function api(
  t: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  options: { body?: unknown; token?: string; ip?: string; userAgent?: string } = {},
): Promise<JsonResponse> {
  const response = await t.app.fastify.inject({
    method,
    url,
    remoteAddress: options.ip ?? '203.0.113.10',
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      'user-agent': options.userAgent ?? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    },
    payload: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  let body: unknown = null;
  try {
    body = response.body ? JSON.parse(response.body) : null;
  } catch {
    body = response.body;
  }
  return { status: response.statusCode, body, headers: response.headers };
}

/** The newest message sent to a recipient, as the outbox holds it. */
export async function lastMessageTo(t: TestApp, recipient: string) {
  return t.app.deps.db
    .selectFrom('outbox')
    .selectAll()
    .where('recipient', '=', recipient)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The 6-digit code in the newest message to a recipient. */
export async function lastCodeTo(t: TestApp, recipient: string): Promise<string> {
  const message = await lastMessageTo(t, recipient);
  const code = message?.text_body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code was sent to ${recipient}`);
  return code;
}

export const STRONG_PASSWORD = 'velvet harbour lantern quietly';

/** Creates a confirmed account through the API and returns its session token. */
export async function signUp(
  t: TestApp,
  input: { name?: string; email: string; password?: string; phone?: string },
): Promise<{ token: string }> {
  const started = await api(t, 'POST', '/api/v1/signup', {
    body: { name: input.name ?? 'Test Customer', email: input.email, password: input.password ?? STRONG_PASSWORD, ...(input.phone ? { phone: input.phone } : {}) },
  });
  if (started.status !== 202) throw new Error(`signup failed: ${JSON.stringify(started.body)}`);
  const code = await lastCodeTo(t, input.email);
  const confirmed = await api(t, 'POST', `/api/v1/signup/${started.body.flow.id}/confirm`, { body: { code, password: input.password ?? STRONG_PASSWORD } });
  if (confirmed.status !== 201) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)}`);
  return { token: confirmed.body.session.token };
}

/** Signs in through the two-step flow; returns the final response. */
export async function signIn(t: TestApp, identifier: string, password: string, options: { ip?: string } = {}): Promise<JsonResponse> {
  const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip: options.ip });
  const identified = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier }, ip: options.ip });
  if (identified.status !== 200) return identified;
  return api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password }, ip: options.ip });
}
