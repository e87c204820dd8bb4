import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../src/platform/clock.js';
import { sweepExpiredRows } from '../../src/platform/jobs/sweep.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { staffSession } from '../helpers/staff.js';

/** Staff sessions and setup links don't pile up: the sweep removes them a day after they expire, never before. */
describe('sweeping staff rows', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function rows() {
    const db = t.app.deps.db;
    const sessions = await db.selectFrom('staff_sessions').select('id').execute();
    const links = await db.selectFrom('staff_setup_links').select('id').execute();
    return { sessions: sessions.length, links: links.length };
  }

  it('a staff session and its setup link go a day after they expire; a newer member\'s stay', async () => {
    await staffSession(t, { role: 'agent', email: 'old@example.com' });
    const before = await rows();
    expect(before.sessions).toBeGreaterThan(0);
    expect(before.links).toBeGreaterThan(0);

    // Still within the day after the 12-hour session expired: nothing goes.
    t.clock.advance(12 * HOUR + 12 * HOUR);
    await sweepExpiredRows(t.app.deps);
    expect(await rows()).toEqual(before);

    // A day past both expiries (the session's 12 hours, the setup link's 24).
    t.clock.advance(2 * DAY);
    const { staffId: newcomer } = await staffSession(t, { role: 'agent', email: 'new@example.com' });
    await sweepExpiredRows(t.app.deps);
    // Only the newcomer's rows are left, all of them.
    const owners = async (table: 'staff_sessions' | 'staff_setup_links') => (await t.app.deps.db.selectFrom(table).select('staff_id').execute()).map((r) => r.staff_id);
    expect(new Set(await owners('staff_sessions'))).toEqual(new Set([newcomer]));
    expect(new Set(await owners('staff_setup_links'))).toEqual(new Set([newcomer]));
    expect(await rows()).toEqual(before);
  });
});
