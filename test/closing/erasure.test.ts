import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY } from '../../src/platform/clock.js';
import { findClosure, recordClosure } from '../../src/accounts/closures.js';
import { insertIdentifier } from '../../src/accounts/store.js';
import { eraseDueAccounts, ERASED_NAME } from '../../src/closing/erasure.js';
import { api, createTestApp, lastMessageTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { countRows, signUpFrom } from '../helpers/fixtures.js';
import { giveEverything } from '../data-export/everything.js';
import { confirm, readyFlow } from '../merging/helpers.js';

/**
 * The erasure job, once a closure's grace period (or a merge's undo window) has passed: afterwards no table holds
 * the customer's name, email or phone anywhere in any text column — except the quarantine row that holds each
 * released address and number from anyone else (accounts/quarantine.ts), documented in closing/erasure.ts.
 */
const EMAIL = 'ada@example.com';
const NAME = 'Ada Lovelace';
const PHONE = '+447700900123';
const OLD_EMAIL = 'ada.old@example.com';

/** Every text value of every table, with where it was: table names read from the engine's own catalogue. */
async function everyTextValue(t: TestApp): Promise<Array<{ table: string; value: string }>> {
  const db = t.app.deps.db;
  const tables =
    t.database.db.engine === 'postgres'
      ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows;
  const found: Array<{ table: string; value: string }> = [];
  for (const { name } of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    for (const row of rows) for (const value of Object.values(row)) if (typeof value === 'string') found.push({ table: name, value });
  }
  return found;
}

function mentions(values: Array<{ table: string; value: string }>, needles: string[]) {
  return values.filter(({ value }) => needles.some((needle) => value.toLowerCase().includes(needle.toLowerCase())));
}

describe('erasure of closed accounts', () => {
  let t: TestApp;
  let owner: { token: string; accountId: string };
  beforeEach(async () => {
    t = await createTestApp({ CLOSE_GRACE_DAYS: '30', IDENTIFIER_QUARANTINE_DAYS: '90' });
    owner = await signUpFrom(t, { email: EMAIL, name: NAME });
    await insertIdentifier(t.app.deps.db, t.clock, owner.accountId, { kind: 'phone', value: PHONE, normalized: PHONE }, { primary: false, verified: true });
    await giveEverything(t, owner.accountId, { name: NAME, phone: PHONE });
    await api(t, 'POST', '/api/v1/account/data-exports', { token: owner.token, body: {} });
    await t.app.jobs.runDue();
    expect((await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: { confirm: true } })).status).toBe(200);
  });
  afterEach(() => t.close());

  it('nothing is erased during the grace period', async () => {
    t.clock.advance(30 * DAY - 1);
    expect(await eraseDueAccounts(t.app.deps)).toBe(0);
    expect(mentions(await everyTextValue(t), [NAME]).length).toBeGreaterThan(0);
  });

  it('after it, no table holds the name, email or phone, except the quarantine that holds the address and number', async () => {
    const other = await signUpFrom(t, { email: 'bystander@example.com', name: 'Charles Babbage' });
    t.clock.advance(30 * DAY + 1);
    const outcomes = await t.app.jobs.runDue();
    expect(outcomes.find((o) => o.name === 'account-erasure')).toMatchObject({ status: 'done', handled: 1 });
    expect((await findClosure(t.app.deps.db, owner.accountId))?.erasedAt).toBe(t.clock.now());

    const left = mentions(await everyTextValue(t), [NAME, 'Lovelace', EMAIL, PHONE, '7700 900123', '7700900123']);
    expect(left.map((l) => l.table).sort()).toEqual(['identifier_quarantine', 'identifier_quarantine']);
    const holds = await t.app.deps.db.selectFrom('identifier_quarantine').selectAll().orderBy('kind').execute();
    expect(holds.map((h) => [h.kind, h.normalized, h.reason])).toEqual([['email', EMAIL, 'account_closed'], ['phone', PHONE, 'account_closed']]);
    expect(holds[0]!.until).toBe(t.clock.now() + 90 * DAY);

    // Kept for the store's accounts, without the person.
    const account = await t.app.deps.db.selectFrom('accounts').selectAll().where('id', '=', owner.accountId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ name: ERASED_NAME, status: 'closed', password_hash: null });
    const order = await t.app.deps.db.selectFrom('orders').select(['shipping_address', 'total']).where('account_id', '=', owner.accountId).executeTakeFirstOrThrow();
    expect(JSON.parse(order.shipping_address)).toMatchObject({ full_name: ERASED_NAME, country: 'GB', line1: 'Address removed', postal_code: null });
    const dispute = await t.app.deps.db.selectFrom('order_cases').select(['details', 'kind']).where('account_id', '=', owner.accountId).executeTakeFirstOrThrow();
    expect(dispute.details).toBe('Hello, this is [removed]. Nothing arrived; call me on [removed].');
    expect(await t.app.deps.db.selectFrom('partner_subjects').select('subject').where('account_id', '=', owner.accountId).execute()).toHaveLength(1);
    for (const table of ['identifiers', 'addresses', 'cards', 'factors', 'backup_codes', 'remembered_devices', 'sessions', 'audit_events', 'message_records', 'data_exports'] as const) {
      expect(await t.app.deps.db.selectFrom(table).select('account_id').where('account_id', '=', owner.accountId).execute(), table).toHaveLength(0);
    }
    // The bystander is untouched.
    expect(mentions(await everyTextValue(t), ['Charles Babbage']).length).toBeGreaterThan(0);
    expect(await t.app.deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', other.accountId).execute()).toHaveLength(1);
  });

  it('after erasure the password opens nothing, and the held address cannot start a new account yet', async () => {
    t.clock.advance(30 * DAY + 1);
    await eraseDueAccounts(t.app.deps);
    expect((await signIn(t, EMAIL, STRONG_PASSWORD)).status).toBe(401);
    const accounts = await countRows(t, 'accounts');
    const started = await api(t, 'POST', '/api/v1/signup', { body: { name: 'Next Owner', email: EMAIL, password: STRONG_PASSWORD } });
    expect(started.status).toBe(202);
    expect((await lastMessageTo(t, EMAIL))?.subject).toBe('This address cannot be used yet');
    expect(await countRows(t, 'accounts')).toBe(accounts);
  });

  it('two instances erasing at once erase once', async () => {
    t.clock.advance(30 * DAY + 1);
    const counts = await Promise.all([eraseDueAccounts(t.app.deps), eraseDueAccounts(t.app.deps)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await t.app.deps.db.selectFrom('identifier_quarantine').select('kind').execute()).toHaveLength(2);
  });

  it('a merged account: only the identifiers still on it are held; the ones the merge moved stay with the other account', async () => {
    const survivor = await signUpFrom(t, { email: 'survivor@example.com', name: 'Survivor' });
    const merged = await signUpFrom(t, { email: 'merged@example.com', name: 'Merged Person' });
    await insertIdentifier(t.app.deps.db, t.clock, merged.accountId, { kind: 'phone', value: '+15555550199', normalized: '+15555550199' }, { primary: false, verified: true });
    // What a merge does (merging/): B's email moves to A as an alias; B is closed with a 30-day undo window.
    await t.app.deps.db.updateTable('identifiers').set({ account_id: survivor.accountId, is_primary: 0 }).where('normalized', '=', 'merged@example.com').execute();
    await t.app.deps.db.updateTable('accounts').set({ status: 'closed' }).where('id', '=', merged.accountId).execute();
    await recordClosure(t.app.deps.db, t.clock, { accountId: merged.accountId, reason: 'merged', eraseAfter: t.clock.now() + 30 * DAY, mergedInto: survivor.accountId });
    t.clock.advance(30 * DAY + 1);
    expect(await eraseDueAccounts(t.app.deps)).toBe(2);
    const held = (await t.app.deps.db.selectFrom('identifier_quarantine').select(['normalized', 'account_id']).execute()).map((h) => h.normalized);
    expect(held).toContain('+15555550199');
    expect(held).not.toContain('merged@example.com');
    const alias = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'merged@example.com').executeTakeFirstOrThrow();
    expect(alias.account_id).toBe(survivor.accountId);
    expect((await t.app.deps.db.selectFrom('accounts').select('name').where('id', '=', merged.accountId).executeTakeFirstOrThrow()).name).toBe(ERASED_NAME);
  });
});

describe('erasure reaches a merge record, the personal phrase and reported messages', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('erasure of personal data: a real merge record keeps no copy of the identifiers and no label; the phrase and the reports are gone', async () => {
    t = await createTestApp({ CLOSE_GRACE_DAYS: '30', IDENTIFIER_QUARANTINE_DAYS: '90' });
    const owner = await signUpFrom(t, { email: EMAIL, name: NAME });
    await insertIdentifier(t.app.deps.db, t.clock, owner.accountId, { kind: 'phone', value: PHONE, normalized: PHONE }, { primary: false, verified: true });
    // Ada's older account, merged into this one through the merge flow: its email becomes an alias here.
    const older = await signUpFrom(t, { email: OLD_EMAIL, name: NAME });
    expect((await confirm(t, owner.token, await readyFlow(t, owner.token, OLD_EMAIL))).status).toBe(200);
    const merge = await t.app.deps.db.selectFrom('account_merges').selectAll().executeTakeFirstOrThrow();
    expect([merge.into_account_id, merge.from_account_id]).toEqual([owner.accountId, older.accountId]);
    expect(merge.identifiers).toContain(OLD_EMAIL);
    expect((await api(t, 'POST', '/api/v1/account/personal-phrase', { token: owner.token, body: { phrase: 'Blue heron at dawn' } })).status).toBe(200);
    const report = { channel: 'email', sender: 'security@custos-verify.example', headers: `To: ${NAME} <${EMAIL}>\nSubject: Your account`, body: `Dear ${NAME}, confirm ${PHONE} now.` };
    expect((await api(t, 'POST', '/api/v1/account/suspicious-messages', { token: owner.token, body: report })).status).toBe(201);
    expect((await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: { confirm: true } })).status).toBe(200);

    t.clock.advance(30 * DAY + 1);
    // Both: the account closed by its customer, and the older one, past its merge's undo window.
    expect(await eraseDueAccounts(t.app.deps)).toBe(2);

    const left = mentions(await everyTextValue(t), [NAME, 'Lovelace', EMAIL, OLD_EMAIL, PHONE, '7700900123']);
    expect(left.map((l) => l.table)).toEqual(['identifier_quarantine', 'identifier_quarantine', 'identifier_quarantine']);
    const erased = await t.app.deps.db.selectFrom('account_merges').select(['identifiers', 'from_label', 'summary']).where('id', '=', merge.id).executeTakeFirstOrThrow();
    expect(erased).toMatchObject({ identifiers: '[]', from_label: '[removed]', summary: merge.summary });
    for (const table of ['personal_phrases', 'suspicious_reports'] as const) {
      expect(await t.app.deps.db.selectFrom(table).select('account_id').where('account_id', '=', owner.accountId).execute(), table).toHaveLength(0);
    }
  });
});
