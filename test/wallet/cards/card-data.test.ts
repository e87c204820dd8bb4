import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { api, createTestApp, type TestApp } from '../../helpers/app.js';
import { Browser } from '../../helpers/browser.js';
import { customerWithAddress, enterCard } from './card-fixtures.js';

/**
 * SECURITY.md "Card data": never store the CVC, never store the full card number in this service. Cards are
 * typed on the gateway's page here; afterwards neither the number nor the code may be found in the logs (at
 * trace level, the app's own logger options unchanged), in any table, in the outbox, or in any answer.
 */
const lines = vi.hoisted(() => [] as string[]);

vi.mock('../../../src/platform/logging.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/platform/logging.js')>();
  return {
    ...original,
    loggerOptions: (config: Parameters<typeof original.loggerOptions>[0]) => {
      const options = original.loggerOptions(config);
      if (!options || typeof options !== 'object') return options;
      return { ...options, stream: { write: (line: string) => void lines.push(line) } };
    },
  };
});

// Valid numbers that are not among the sandbox page's published test cards, so finding one anywhere is a leak.
const CARDS = [
  { number: '4012888888881881', cvc: '947' },
  { number: '371449635398431', cvc: '7302' },
  { number: '5105105105105100', cvc: '582' },
];
const MISTYPED = { number: '4111111111111121', cvc: '316' };

describe('card data: the full number and CVC never reach storage, logs or answers', () => {
  let t: TestApp;
  const answers: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'trace' });
    t.app.fastify.addHook('onSend', async (_request, reply, payload) => {
      answers.push(`${JSON.stringify(reply.getHeaders())}\n${typeof payload === 'string' ? payload : ''}`);
      return payload;
    });
    const ada = await customerWithAddress(t, 'ada@example.com');
    for (const card of CARDS) {
      const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
      const browser = new Browser(t.app);
      // A mistake first, so the error page is covered too; then the card as it is printed, with spaces.
      const wrong = await enterCard(t.app, setup.body.gateway_url, { number: MISTYPED.number, cvc: MISTYPED.cvc }, browser);
      expect(wrong.status).toBe(400);
      const shortCode = await enterCard(t.app, setup.body.gateway_url, { number: card.number, cvc: '12345' }, browser);
      expect(shortCode.status).toBe(400);
      const entered = await enterCard(t.app, setup.body.gateway_url, { number: card.number.replace(/(\d{4})/g, '$1 ').trim(), cvc: card.cvc }, browser);
      expect(entered.status).toBe(303);
      const saved = await api(t, 'POST', '/api/v1/cards', { token: ada.token, body: { setup_id: setup.body.setup_id, token: entered.token } });
      expect(saved.status).toBe(201);
    }
    await api(t, 'GET', '/api/v1/cards', { token: ada.token });
    await t.app.fastify.inject({ method: 'GET', url: '/account/cards', headers: { authorization: `Bearer ${ada.token}` } });
  });
  afterAll(() => t.close());

  const numberForms = (number: string) => [number, number.replace(/(\d{4})/g, '$1 ').trim(), number.slice(0, -4)];
  /** A code is only a leak as a value of its own: "947" inside a timestamp or a base64 string is not one. */
  const standalone = (code: string) => new RegExp(`(?<![\\w-])${code}(?![\\w-])`);

  function expectClean(where: string, text: string): void {
    for (const card of [...CARDS, MISTYPED]) {
      for (const form of numberForms(card.number)) expect(text.includes(form), `${where} contains ${form}`).toBe(false);
      expect(standalone(card.cvc).test(text), `${where} contains the code ${card.cvc}`).toBe(false);
    }
  }

  it('the captured log is real: the gateway page and the card API were logged', () => {
    const log = lines.join('\n');
    expect(log).toContain('/sandbox-gateway/setup/');
    expect(log).toContain('/api/v1/cards');
  });

  it('SECURITY.md: no card number or security code in the logs', () => {
    expectClean('log', lines.join('\n'));
  });

  it('SECURITY.md: no card number or security code in any table (every table dumped), nor in the outbox', async () => {
    const db = t.app.deps.db;
    const tables =
      t.app.deps.engine === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
        : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db);
    expect(tables.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['cards', 'outbox', 'flows', 'audit_events']));
    for (const { name } of tables.rows) {
      const rows = await sql`select * from ${sql.table(name)}`.execute(db);
      expectClean(`table ${name}`, JSON.stringify(rows.rows));
    }
    const outbox = await db.selectFrom('outbox').selectAll().execute();
    expect(outbox.some((m) => m.text_body.includes('American Express ending in 8431'))).toBe(true);
    expectClean('outbox', JSON.stringify(outbox));
    const cards = await db.selectFrom('cards').select(['last4', 'brand']).orderBy('created_at').execute();
    expect(cards.map((c) => c.last4).sort()).toEqual(['1881', '5100', '8431']);
  });

  it('SECURITY.md: no card number or security code in any page or JSON answer, or their headers', () => {
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.some((a) => a.includes('Sandbox payment page'))).toBe(true);
    for (const answer of answers) expectClean('an answer', answer);
  });
});
