import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/platform/clock.js';
import { insertOutboxRow } from '../../src/platform/outbox.js';
import { registerDevMailbox } from '../../src/notify/mailbox-page.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('development mailbox', () => {
  let testDb: TestDatabase;
  let app: FastifyInstance;
  const clock = new ManualClock();
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://localhost:3000' });

  beforeEach(async () => {
    testDb = await createTestDatabase();
    app = Fastify();
  });

  afterEach(async () => {
    await app.close();
    await testDb.close();
  });

  async function enqueueHostile() {
    await insertOutboxRow(testDb.db.kysely, clock, {
      channel: 'email',
      template: 'test',
      recipient: 'jane@example.com',
      subject: 'Hello <img src=x onerror=alert(1)>',
      text: 'Code 246810. Open http://localhost:3000/signup/confirm?t=abc&x=1. Not http://localhost:3000.evil.com/x or https://evil.example/<b>',
      html: '<p>Hi</p><script>alert(1)</script>',
    });
    return testDb.db.kysely.selectFrom('outbox').select('id').executeTakeFirstOrThrow();
  }

  it('lists messages with their content escaped and only our own links clickable', async () => {
    expect(config.devMailbox).toBe(true);
    registerDevMailbox(app, { db: testDb.db.kysely, config });
    const { id } = await enqueueHostile();

    const response = await app.inject({ method: 'GET', url: '/dev/mailbox' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    const page = response.body;
    expect(page).toContain('Development mailbox');
    expect(page).toContain('jane@example.com');
    expect(page).toContain('246810');
    expect(page).toContain('Hello &lt;img src=x onerror=alert(1)>');
    expect(page).not.toContain('<img');
    expect(page).toContain('<a href="http://localhost:3000/signup/confirm?t=abc&amp;x=1">');
    expect(page).not.toContain('href="http://localhost:3000.evil.com');
    expect(page).not.toContain('href="https://evil.example');
    expect(page).toContain('https://evil.example/&lt;b>');
    expect(page).toContain(`/dev/mailbox/${id}/html`);
  });

  it('serves a message as HTML under a sandbox that blocks script', async () => {
    registerDevMailbox(app, { db: testDb.db.kysely, config });
    const { id } = await enqueueHostile();

    const response = await app.inject({ method: 'GET', url: `/dev/mailbox/${id}/html` });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toBe("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(response.body).toBe('<p>Hi</p><script>alert(1)</script>');
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox/unknown/html' })).statusCode).toBe(404);
  });

  it('does not exist when the mailbox is off', async () => {
    registerDevMailbox(app, { db: testDb.db.kysely, config: { ...config, devMailbox: false } });
    await enqueueHostile();

    expect((await app.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/dev/mailbox/x/html' })).statusCode).toBe(404);
  });
});
