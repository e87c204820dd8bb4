import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * SECURITY.md "Access control and data": no route but the admin's (and the shell) creates staff or changes a role.
 * Read from the source: the staff table is written only in staff/store.ts, a member is inserted only by
 * members.ts's createStaff, and no statement anywhere sets a role after creation.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the doors that create or raise staff', () => {
  const files = sourceFiles('src').map((path) => ({ path, text: readFileSync(path, 'utf8') }));

  it('only staff/store.ts writes the staff table, and only members.ts inserts a member', () => {
    expect(files.filter((f) => /(insertInto|updateTable|deleteFrom)\('staff'\)/.test(f.text)).map((f) => f.path)).toEqual([join('src', 'staff', 'store.ts')]);
    expect(files.filter((f) => /\binsertStaff\(/.test(f.text)).map((f) => f.path).sort()).toEqual([join('src', 'staff', 'members.ts'), join('src', 'staff', 'store.ts')]);
    expect(files.filter((f) => /\bcreateStaff\(/.test(f.text)).map((f) => f.path).sort()).toEqual(
      [join('src', 'cli', 'staff.ts'), join('src', 'staff', 'api.ts'), join('src', 'staff', 'members.ts'), join('src', 'staff', 'staff-pages.tsx')].sort(),
    );
  });

  it('no statement changes a member’s role after creation', () => {
    const store = files.find((f) => f.path === join('src', 'staff', 'store.ts'))!.text;
    const updates = store.split("updateTable('staff')").slice(1).map((rest) => rest.slice(0, rest.indexOf('.where(')));
    expect(updates.length).toBeGreaterThan(0);
    for (const update of updates) expect(update).not.toMatch(/\brole\b/);
  });
});
