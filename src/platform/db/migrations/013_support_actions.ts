import type { Kysely } from 'kysely';

// A case support opened on a customer's behalf names the member of staff who did (null: the customer did). The
// staff-actions audit lists `support.*` events newest first, so it gets an index on (type, created_at).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('order_cases').addColumn('opened_by_staff', 'text').execute();
  await db.schema.createIndex('audit_events_type_time').on('audit_events').columns(['type', 'created_at']).execute();
}
