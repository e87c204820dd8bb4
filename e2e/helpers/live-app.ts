import { createServer } from 'node:net';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/platform/clock.js';
import { createTestDatabase } from '../../test/helpers/database.js';

/**
 * The whole service listening on a real port, over a fresh database on the engine under test (SQLite, or
 * PostgreSQL when TEST_POSTGRES_URL is set), sending mail to the given SMTP server. `host: 'localhost'` serves it
 * under a name instead of an address: WebAuthn needs one (an IP address is never an RP ID), and http://localhost
 * is a secure context.
 */
export interface LiveApp {
  baseUrl: string;
  app: App;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function startLiveApp(options: { smtpUrl: string; host?: '127.0.0.1' | 'localhost' }): Promise<LiveApp> {
  // PUBLIC_URL must name the port before the app is built: emailed links are made from it, never from Host.
  const port = await freePort();
  const baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SMTP_URL: options.smtpUrl,
    MAIL_FROM: 'Custos <no-reply@custos.test>',
    PUBLIC_URL: baseUrl,
  });
  // A real browser drops cookies whose expiry is already past, so the clock starts at today's time.
  const clock = new ManualClock(Date.now());
  const app = await buildApp({ config, db: database.db, clock });
  try {
    app.worker.start(200);
    await app.fastify.listen({ host: '127.0.0.1', port });
  } catch (error) {
    await app.close();
    await database.close();
    throw error;
  }
  return {
    baseUrl,
    app,
    clock,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A port nothing is listening on right now: bind to port 0, read what the system chose, let it go. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('Could not find a free port');
  return address.port;
}
