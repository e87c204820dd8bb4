import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { importRow } from './import-rows.js';

/**
 * A batch that loses a race the unique indexes settle: its checks found every address free, then someone proved one
 * of them before the batch was written. Simulated by the first look-up answering "free" for everything; the batch's
 * multi-row write is refused by the index, undone, and each row written alone — only the raced row is refused.
 */
const lookups = vi.hoisted(() => ({ blind: 0 }));

vi.mock('../../src/accounts/imported-accounts.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/accounts/imported-accounts.js')>();
  return {
    ...real,
    unavailableIdentifiers: async (...args: Parameters<typeof real.unavailableIdentifiers>) => {
      if (lookups.blind > 0) {
        lookups.blind--;
        return { named: new Set<string>(), held: new Set<string>() };
      }
      return real.unavailableIdentifiers(...args);
    },
  };
});

const { importBatch, prepareRow } = await import('../../src/imports/import-batch.js');
const { insertAccount } = await import('../../src/accounts/store.js');
const { parseEmail } = await import('../../src/accounts/identifiers.js');

describe('a batch that loses a race to a unique index', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  it('is written row by row, and only the row whose email was proven meanwhile is a conflict', async () => {
    const clock = new ManualClock();
    const db = database.db.kysely;
    const email = parseEmail('raced@import.example');
    if (typeof email === 'string') throw new Error(email);
    await insertAccount(db, clock, { name: 'Real Owner', passwordHash: 'x', email });
    const rows = await Promise.all([importRow(1), importRow(2, { emails: [{ address: 'raced@import.example', verified: true }] }), importRow(3)].map((r) => prepareRow(r, 'US')));
    lookups.blind = 1;
    const deps = { db, engine: database.db.engine, clock, notifyOutbox: () => {} };
    const outcomes = await importBatch(deps, rows, { importedBy: 'test' });
    expect(outcomes.map((o) => o.status)).toEqual(['imported', 'conflict', 'imported']);
    expect(await db.selectFrom('import_sources').select('source_id').orderBy('source_id').execute()).toEqual([{ source_id: 'wc-1' }, { source_id: 'wc-3' }]);
    expect(await db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'raced@import.example').execute()).toHaveLength(1);
  });
});
