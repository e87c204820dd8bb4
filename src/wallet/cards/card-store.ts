import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/crypto.js';
import type { CardTable, Database } from '../../platform/db/schema.js';
import { fromAddressJson, type PostalAddress } from '../addresses/postal-address.js';

/**
 * The saved cards' queries; other features call these functions, never the table. Every read and write of one
 * card names its owner too, so another customer's card id simply finds nothing (ASVS 8.2.2). The gateway token
 * is not part of SavedCard: it leaves this file only through cardToken(), for the code that charges a card.
 */
export interface SavedCard {
  id: string;
  gateway: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string;
  billingAddress: PostalAddress;
  isDefault: boolean;
  createdAt: number;
}

export interface NewCard {
  accountId: string;
  gateway: string;
  gatewayToken: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string;
  /** JSON snapshot of the billing address (postal-address.ts toAddressJson). */
  billingAddress: string;
}

const COLUMNS = ['id', 'gateway', 'brand', 'last4', 'exp_month', 'exp_year', 'fingerprint', 'billing_address', 'is_default', 'created_at'] as const;

/** Inserts the card unless the account already holds one with this fingerprint; null then (the unique index decides races). */
export async function insertCard(db: Kysely<Database>, clock: Clock, card: NewCard): Promise<string | null> {
  const id = newId();
  const result = await db
    .insertInto('cards')
    .values({
      id,
      account_id: card.accountId,
      gateway: card.gateway,
      gateway_token: card.gatewayToken,
      brand: card.brand,
      last4: card.last4,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      fingerprint: card.fingerprint,
      billing_address: card.billingAddress,
      is_default: 0,
      expiry_reminder_sent_at: null,
      created_at: clock.now(),
    })
    .onConflict((oc) => oc.columns(['account_id', 'fingerprint']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 ? id : null;
}

export async function findCard(db: Kysely<Database>, accountId: string, id: string): Promise<SavedCard | undefined> {
  const row = await db.selectFrom('cards').select(COLUMNS).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return row && toSavedCard(row);
}

export async function findCardByFingerprint(db: Kysely<Database>, accountId: string, fingerprint: string): Promise<SavedCard | undefined> {
  const row = await db.selectFrom('cards').select(COLUMNS).where('account_id', '=', accountId).where('fingerprint', '=', fingerprint).executeTakeFirst();
  return row && toSavedCard(row);
}

/** The default card first, then newest first. */
export async function listCards(db: Kysely<Database>, accountId: string): Promise<SavedCard[]> {
  const rows = await db
    .selectFrom('cards')
    .select(COLUMNS)
    .where('account_id', '=', accountId)
    .orderBy('is_default', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSavedCard);
}

/** For charging: the token and the gateway that issued it. */
export async function cardToken(db: Kysely<Database>, accountId: string, id: string): Promise<{ gateway: string; token: string } | undefined> {
  const row = await db.selectFrom('cards').select(['gateway', 'gateway_token']).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return row && { gateway: row.gateway, token: row.gateway_token };
}

/**
 * The same card re-entered with a later expiry: the new token and date replace the old, and a new reminder is
 * due. Only while the stored date is still the earlier one, so of two renewals at once the later date wins and
 * a re-entry with an older date never rolls a card back; true when this call made the change.
 */
export async function renewCard(db: Kysely<Database>, accountId: string, id: string, renewal: { gatewayToken: string; expMonth: number; expYear: number }): Promise<boolean> {
  const result = await db
    .updateTable('cards')
    .set({ gateway_token: renewal.gatewayToken, exp_month: renewal.expMonth, exp_year: renewal.expYear, expiry_reminder_sent_at: null })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('exp_year', '<', renewal.expYear), eb.and([eb('exp_year', '=', renewal.expYear), eb('exp_month', '<', renewal.expMonth)])]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes and returns the card, or undefined when this account has no such card. */
export async function deleteCard(db: Kysely<Database>, accountId: string, id: string): Promise<SavedCard | undefined> {
  const card = await findCard(db, accountId, id);
  if (!card) return undefined;
  const result = await db.deleteFrom('cards').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1 ? card : undefined;
}

/** One statement, so the account ends with exactly one default whatever else runs at the same time. */
export async function makeDefault(db: Kysely<Database>, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('cards')
    .set((eb) => ({ is_default: eb.case().when('id', '=', id).then(1).else(0).end() }))
    .where('account_id', '=', accountId)
    .where((eb) => eb.exists(eb.selectFrom('cards as target').select('target.id').where('target.id', '=', id).where('target.account_id', '=', accountId)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** When the account has cards but no default (its first card, or the default was removed), the newest becomes it. */
export async function ensureDefault(db: Kysely<Database>, accountId: string): Promise<void> {
  const hasDefault = await db.selectFrom('cards').select('id').where('account_id', '=', accountId).where('is_default', '=', 1).executeTakeFirst();
  if (hasDefault) return;
  const newest = await db.selectFrom('cards').select('id').where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (newest) await makeDefault(db, accountId, newest.id);
}

function toSavedCard(row: Pick<Selectable<CardTable>, (typeof COLUMNS)[number]>): SavedCard {
  return {
    id: row.id,
    gateway: row.gateway,
    brand: row.brand,
    last4: row.last4,
    expMonth: Number(row.exp_month),
    expYear: Number(row.exp_year),
    fingerprint: row.fingerprint,
    billingAddress: fromAddressJson(row.billing_address),
    isDefault: row.is_default === 1,
    createdAt: Number(row.created_at),
  };
}
