import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MERGE_TABLES, MOVED_ROWS } from '../../src/merging/merge-tables.js';

/**
 * Every table with an account id has a stated fate in a merge (merging/merge-tables.ts): a table added later without
 * a line there fails here, before a merge leaves its rows on a closed account by accident.
 */
const TABLES_DIR = join(import.meta.dirname, '../../src/platform/db/tables');
const SCHEMA = readFileSync(join(import.meta.dirname, '../../src/platform/db/schema.ts'), 'utf8');

function tablesWithAccountId(): string[] {
  const interfaces = new Set<string>();
  for (const file of readdirSync(TABLES_DIR)) {
    const source = readFileSync(join(TABLES_DIR, file), 'utf8');
    for (const match of source.matchAll(/export interface (\w+) \{([^}]*)\}/g)) {
      if (/^\s*account_id:/m.test(match[2]!)) interfaces.add(match[1]!);
    }
  }
  const tables: string[] = [];
  for (const match of SCHEMA.matchAll(/^\s+(\w+): (\w+);$/gm)) if (interfaces.has(match[2]!)) tables.push(match[1]!);
  return tables;
}

describe('what a merge does with each table', () => {
  it('names every table that carries an account id', () => {
    const tables = tablesWithAccountId();
    expect(tables.length).toBeGreaterThan(20);
    expect(tables.filter((table) => !(table in MERGE_TABLES))).toEqual([]);
  });

  it('moves exactly the tables it says move', () => {
    const moving = Object.entries(MERGE_TABLES).filter(([, decision]) => decision.fate === 'moves').map(([table]) => table);
    expect(moving.sort()).toEqual([...MOVED_ROWS, 'audit_events', 'identifiers'].sort());
  });
});
