import type { Kysely } from 'kysely';

// "Is this message really from us?" (message-check/): the personal phrase each account may set, shown at the top of
// every email to its verified addresses, sealed at rest like an authenticator key (a database dump alone must not
// hand a phisher the phrase); and the suspicious messages customers report, for the support console's fraud view.
// Reported text is attacker text: it is stored as given (within size limits) and only ever shown escaped.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('personal_phrases')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('phrase_sealed', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('suspicious_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    /** A reference found in the pasted text, and whether it is one of ours: a report of our own message is not phishing. */
    .addColumn('reference', 'text')
    .addColumn('reference_known', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('suspicious_reports_time').on('suspicious_reports').column('created_at').execute();
  await db.schema.createIndex('suspicious_reports_account_time').on('suspicious_reports').columns(['account_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('suspicious_reports').execute();
  await db.schema.dropTable('personal_phrases').execute();
}
