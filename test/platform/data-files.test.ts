import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/platform/db/connect.js';

/** SECURITY.md "Data files are readable by the service's user only": DATA_DIR 0700, the database files 0600. */
const mode = (path: string) => statSync(path).mode & 0o777;

describe('SQLite data files', () => {
  let parent: string;
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
    rmSync(parent, { recursive: true, force: true });
  });

  it('SECURITY.md Data: a new DATA_DIR is 0700 and the database, -wal and -shm files are 0600, whatever the umask', async () => {
    parent = mkdtempSync(join(tmpdir(), 'custos-modes-'));
    const dataDir = join(parent, 'data');
    const previous = process.umask(0o022);
    try {
      db = openDatabase({ dataDir });
      await migrateToLatest(db);
    } finally {
      process.umask(previous);
    }
    expect(mode(dataDir).toString(8)).toBe('700');
    for (const file of ['custos.sqlite', 'custos.sqlite-wal', 'custos.sqlite-shm']) {
      expect(mode(join(dataDir, file)).toString(8), file).toBe('600');
    }
  });

  it('SECURITY.md Data: files left world-readable by an older version are narrowed when the database opens', async () => {
    parent = mkdtempSync(join(tmpdir(), 'custos-modes-'));
    const dataDir = join(parent, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    db = openDatabase({ dataDir });
    await migrateToLatest(db);
    await db.close();
    db = undefined;
    for (const file of ['custos.sqlite', 'custos.sqlite-wal', 'custos.sqlite-shm']) {
      try {
        chmodSync(join(dataDir, file), 0o644);
      } catch {
        writeFileSync(join(dataDir, file), '');
      }
    }
    db = openDatabase({ dataDir });
    await migrateToLatest(db);
    expect(mode(dataDir).toString(8)).toBe('700');
    for (const file of ['custos.sqlite', 'custos.sqlite-wal', 'custos.sqlite-shm']) {
      expect(mode(join(dataDir, file)).toString(8), file).toBe('600');
    }
  });
});
