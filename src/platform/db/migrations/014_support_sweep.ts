import type { Kysely } from 'kysely';

// Indexes for the sweep's rules over the support tables (platform/jobs/sweep-rules.ts): expired staff sessions and
// setup links, and the cancel tokens of recoveries long finished. Each rule deletes through an index range.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('staff_sessions_expiry').on('staff_sessions').column('expires_at').execute();
  await db.schema.createIndex('staff_setup_links_expiry').on('staff_setup_links').column('expires_at').execute();
  await db.schema.createIndex('support_recovery_cancels_created').on('support_recovery_cancels').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['support_recovery_cancels_created', 'staff_setup_links_expiry', 'staff_sessions_expiry']) await db.schema.dropIndex(index).execute();
}
