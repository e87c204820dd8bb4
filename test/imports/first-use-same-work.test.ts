import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { freshIp } from '../helpers/fixtures.js';
import { storeApi, storeKey } from '../helpers/store.js';
import { hashPassword } from '../../src/passwords/hashing.js';
import { importRow } from './import-rows.js';

/**
 * SECURITY.md "Every public path does the same work for known and unknown identifiers", for the path an imported
 * account's unverified email adds: sign-in and the reset request run the same statements and queue the same number
 * of rows for a claimed address as for one nobody has.
 */
describe('same work for an unverified imported email', () => {
  let t: TestApp;
  let recording = false;
  let statements: string[] = [];
  beforeEach(async () => {
    t = await createTestApp({}, { onQuery: (sql) => { if (recording) statements.push(sql); } });
    const row = importRow(1, { emails: [{ address: 'claimed@import.example', verified: false }], password_hash: await hashPassword(STRONG_PASSWORD) });
    expect((await storeApi(t, await storeKey(t), 'POST', '/api/store/v1/customer-imports', { body: { customers: [row] } })).body.results[0].status).toBe('imported');
  });
  afterEach(() => t.close());

  async function workOf(action: () => Promise<{ status: number }>) {
    const outbox = async () => (await t.app.deps.db.selectFrom('outbox').select('id').execute()).length;
    const before = await outbox();
    statements = [];
    recording = true;
    const status = (await action()).status;
    recording = false;
    const own = statements.filter((sql) => !/^(select \* from "outbox"|update "outbox"|select "webhook_deliveries"\.|update "webhook_deliveries")/.test(sql)).sort();
    return { status, statements: own, outboxRows: (await outbox()) - before };
  }

  const paths: Array<[string, (identifier: string) => Promise<{ status: number }>]> = [
    ['sign-in identify and a wrong password', async (identifier) => {
      const ip = freshIp();
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier }, ip });
      return api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password: 'not the right password at all' }, ip });
    }],
    ['password reset request', (identifier) => api(t, 'POST', '/api/v1/recovery/password', { body: { identifier }, ip: freshIp() })],
  ];

  for (const [path, request] of paths) {
    it(`SECURITY.md every public path does the same work: ${path} — a claimed address as an unknown one`, async () => {
      await request('claimed@import.example');
      await request('nobody@import.example');
      const claimed = await workOf(() => request('claimed@import.example'));
      const unknown = await workOf(() => request('nobody@import.example'));
      expect(claimed.status).toBe(unknown.status);
      expect(claimed.outboxRows).toBe(unknown.outboxRows);
      expect(claimed.statements).toEqual(unknown.statements);
    });
  }
});
