import { ManualClock } from '../../src/platform/clock.js';
import { createTestApp, type ListeningTestApp } from '../../test/helpers/app.js';

/**
 * The whole service listening on a real port, over a fresh database on the engine under test (SQLite, or
 * PostgreSQL when TEST_POSTGRES_URL is set), sending mail to the given SMTP server and delivering it as it would
 * in production. `host: 'localhost'` serves it under a name, which WebAuthn needs.
 */
export type LiveApp = ListeningTestApp;

export async function startLiveApp(options: { smtpUrl: string; host?: '127.0.0.1' | 'localhost' }): Promise<LiveApp> {
  const live = await createTestApp(
    { SMTP_URL: options.smtpUrl, MAIL_FROM: 'Custos <no-reply@custos.test>' },
    // A real browser drops cookies whose expiry is already past, so the clock starts at today's time.
    { listen: options.host === 'localhost' ? 'localhost' : true, clock: new ManualClock(Date.now()) },
  );
  live.app.worker.start(200);
  return live;
}
