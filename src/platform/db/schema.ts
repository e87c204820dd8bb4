import type { AccountTable, ContactUndoTable, FlowTable, IdentifierTable, PasswordHistoryTable, SessionTable, ThrottleTable, VerificationTable } from './tables/identity.js';
import type { AuditEventTable, KnownDeviceTable, KnownNetworkTable, RetryPassTable } from './tables/activity.js';
import type { BackupCodeTable, FactorTable, RememberedDeviceTable } from './tables/factors.js';
import type { AddressTable, CardTable, OrderCaseTable, OrderItemTable, OrderTable, StoreApiKeyTable } from './tables/commerce.js';
import type { StaffAuditTable, StaffFactorTable, StaffSessionTable, StaffSetupLinkTable, StaffTable } from './tables/staff.js';
import type { JobLeaseTable, MessageBudgetTable, MessageRecordTable, OutboxTable } from './tables/messaging.js';
import type { PartnerGrantTable, PartnerSubjectTable, PartnerTable } from './tables/partners.js';
import type { WebhookDeliveryTable, WebhookEndpointTable } from './tables/webhooks.js';
import type { CheckoutSessionTable, PartnerChargeTable, PartnerRefundTable } from './tables/checkout.js';
import type { OidcModelTable, OidcSigningKeyTable } from './tables/oidc.js';
import type { AccountClosureTable, IdentifierQuarantineTable } from './tables/account-life.js';
import type { ImportSourceTable } from './tables/imports.js';
import type { SupportChallengeTable, SupportNoteTable, SupportRecoveryCancelTable, SupportRecoveryTable, SupportWindowTable } from './tables/support.js';

/**
 * Table types, the single source for both engines. Times are epoch milliseconds (bigint in PostgreSQL,
 * integer in SQLite) so comparisons and arithmetic are the same everywhere; flags are 0/1 integers.
 */
export interface Database {
  accounts: AccountTable;
  identifiers: IdentifierTable;
  flows: FlowTable;
  verifications: VerificationTable;
  sessions: SessionTable;
  throttles: ThrottleTable;
  outbox: OutboxTable;
  audit_events: AuditEventTable;
  known_devices: KnownDeviceTable;
  known_networks: KnownNetworkTable;
  retry_passes: RetryPassTable;
  factors: FactorTable;
  backup_codes: BackupCodeTable;
  remembered_devices: RememberedDeviceTable;
  addresses: AddressTable;
  cards: CardTable;
  store_api_keys: StoreApiKeyTable;
  orders: OrderTable;
  order_items: OrderItemTable;
  order_cases: OrderCaseTable;
  message_budgets: MessageBudgetTable;
  message_records: MessageRecordTable;
  job_leases: JobLeaseTable;
  password_history: PasswordHistoryTable;
  contact_undo: ContactUndoTable;
  staff: StaffTable;
  staff_sessions: StaffSessionTable;
  staff_setup_links: StaffSetupLinkTable;
  staff_factors: StaffFactorTable;
  staff_audit: StaffAuditTable;
  support_challenges: SupportChallengeTable;
  support_windows: SupportWindowTable;
  support_notes: SupportNoteTable;
  support_recoveries: SupportRecoveryTable;
  support_recovery_cancels: SupportRecoveryCancelTable;
  partners: PartnerTable;
  partner_subjects: PartnerSubjectTable;
  partner_grants: PartnerGrantTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  checkout_sessions: CheckoutSessionTable;
  partner_charges: PartnerChargeTable;
  partner_refunds: PartnerRefundTable;
  oidc_models: OidcModelTable;
  oidc_signing_keys: OidcSigningKeyTable;
  account_closures: AccountClosureTable;
  identifier_quarantine: IdentifierQuarantineTable;
  import_sources: ImportSourceTable;
}

export type * from './tables/identity.js';
export type * from './tables/activity.js';
export type * from './tables/factors.js';
export type * from './tables/commerce.js';
export type * from './tables/messaging.js';
export type * from './tables/staff.js';
export type * from './tables/support.js';
export type * from './tables/partners.js';
export type * from './tables/webhooks.js';
export type * from './tables/checkout.js';
export type * from './tables/oidc.js';
export type * from './tables/account-life.js';
