import type { Kysely } from 'kysely';

// Partner sites (partners/): the clients registered from the shell, the stable pairwise subject each partner
// knows a customer by, and what each customer has allowed each partner (sign-in claims, paying). A customer has at
// most one grant row per partner: ending it sets revoked_at, and consenting again brings the same row back.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable('partner_subjects')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('partner_subjects_pk', ['partner_id', 'account_id'])
    .execute();
  await db.schema
    .createTable('partner_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('signin_claims', 'text')
    .addColumn('oidc_grant_id', 'text')
    .addColumn('pays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('partner_grants_pair').on('partner_grants').columns(['account_id', 'partner_id']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('partner_grants').execute();
  await db.schema.dropTable('partner_subjects').execute();
  await db.schema.dropTable('partners').execute();
}
