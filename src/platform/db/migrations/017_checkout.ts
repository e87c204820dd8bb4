import type { Kysely } from 'kysely';

// "Pay with" the store on partner sites (checkout/): the checkout sessions a partner opens and a customer approves,
// the charges a partner makes with the single-use permission an approval gives, and the refunds of those charges.
// Partner orders live in `orders` like the store's own, marked with the partner that sold them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('checkout_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    // The first customer to approve or decline; nobody else may see the session after that.
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('return_url', 'text', (c) => c.notNull())
    .addColumn('card_id', 'text')
    .addColumn('shipping_address', 'text')
    .addColumn('permission_hash', 'text', (c) => c.unique())
    .addColumn('permission_issued_at', 'bigint')
    .addColumn('charge_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema.createIndex('checkout_sessions_partner').on('checkout_sessions').columns(['partner_id', 'created_at']).execute();

  await db.schema
    .createTable('partner_charges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    // One charge per checkout session: the unique index is what makes a permission single-use under racing requests.
    .addColumn('checkout_session_id', 'text', (c) => c.notNull().unique().references('checkout_sessions.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    // Refunds made so far, capped: each one emails the customer a receipt.
    .addColumn('refund_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('card_brand', 'text')
    .addColumn('gateway_charge_id', 'text')
    .addColumn('order_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('partner_charges_key').on('partner_charges').columns(['partner_id', 'idempotency_key']).unique().execute();

  await db.schema
    .createTable('partner_refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('charge_id', 'text', (c) => c.notNull().references('partner_charges.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('gateway_refund_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('partner_refunds_key').on('partner_refunds').columns(['partner_id', 'idempotency_key']).unique().execute();
  await db.schema.createIndex('partner_refunds_charge').on('partner_refunds').columns(['charge_id']).execute();

  // An order a partner site sold: its partner (null for the store's own orders) and what the partner refunded.
  await db.schema.alterTable('orders').addColumn('partner_id', 'text').execute();
  await db.schema.alterTable('orders').addColumn('partner_refunded', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('partner_refunded').execute();
  await db.schema.alterTable('orders').dropColumn('partner_id').execute();
  await db.schema.dropTable('partner_refunds').execute();
  await db.schema.dropTable('partner_charges').execute();
  await db.schema.dropTable('checkout_sessions').execute();
}
