import { sql } from 'kysely';
import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { decodeCursor, encodeCursor } from '../platform/keyset-cursor.js';
import { requirePermission, type StaffMember } from '../staff/staff-guard.js';

/**
 * Staff actions on customers, for admins (staff.audit): every `support.*` audit event — a caller checked, a
 * customer viewed, each action — with the member of staff and the ticket, overall or for one member of staff.
 * Newest first, paginated by keyset (created_at, id) like Login activity, so page 500 costs what page 1 does.
 * Only allow-listed detail keys are shown (never a code, which no detail holds anyway).
 */
export const STAFF_ACTIONS_PAGE_MAX = 100;
const SHOWN_DETAIL = ['kind', 'decision', 'order', 'sessions', 'contact', 'use', 'level', 'count', 'channel'] as const;

export interface StaffAction {
  id: string;
  at: number;
  type: string;
  staffId: string | null;
  staffName: string | null;
  ticket: string | null;
  customerId: string | null;
  detail: Record<string, string | number | boolean>;
}

export async function listStaffActions(deps: Deps, staff: StaffMember, options: { staffId?: string; before?: string; limit?: number }): Promise<{ actions: StaffAction[]; next: string | null }> {
  requirePermission(staff, 'staff.audit');
  const limit = Math.min(Math.max(options.limit ?? 50, 1), STAFF_ACTIONS_PAGE_MAX);
  const cursor = options.before === undefined ? undefined : decodeCursor(options.before);
  if (cursor === null) throw errors.invalidInput({ before: 'This page link is not valid. Start again from the first page.' });
  if (options.staffId !== undefined && !/^[\w-]{1,64}$/.test(options.staffId)) throw errors.invalidInput({ staff: 'Not a staff id.' });
  let query = deps.db
    .selectFrom('audit_events')
    .select(['id', 'type', 'account_id', 'detail', 'created_at'])
    .where('type', 'like', 'support.%');
  if (options.staffId) {
    // The detail is JSON text on both engines; the id's own `_` is escaped so it can't act as a wildcard, and the
    // parsed detail is checked again below.
    const pattern = `%"staff":"${options.staffId.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;
    query = query.where(sql<boolean>`detail like ${pattern} escape '\\'`);
  }
  if (cursor) {
    query = query.where((eb) => eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const parsed = page.map((row) => ({ row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
  const staffIds = [...new Set(parsed.map((p) => p.detail.staff).filter((id): id is string => typeof id === 'string'))];
  const names = staffIds.length === 0 ? [] : await deps.db.selectFrom('staff').select(['id', 'name']).where('id', 'in', staffIds).execute();
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const last = page[page.length - 1];
  return {
    actions: parsed
      .filter((p) => !options.staffId || p.detail.staff === options.staffId)
      .map(({ row, detail }) => {
        const staffId = typeof detail.staff === 'string' ? detail.staff : null;
        return {
          id: row.id,
          at: row.created_at,
          type: row.type,
          staffId,
          staffName: staffId ? nameOf.get(staffId) ?? 'former staff' : null,
          ticket: typeof detail.ticket === 'string' ? detail.ticket : null,
          customerId: row.account_id,
          detail: Object.fromEntries(SHOWN_DETAIL.flatMap((key) => (['string', 'number', 'boolean'].includes(typeof detail[key]) ? [[key, detail[key] as string | number | boolean]] : []))),
        };
      }),
    next: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
  };
}
