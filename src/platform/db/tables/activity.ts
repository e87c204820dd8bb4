// The audit trail and what it learns about devices and networks. Row types only; schema.ts lists the tables.

export interface AuditEventTable {
  id: string;
  account_id: string | null;
  type: string;
  ip: string | null;
  user_agent: string | null;
  detail: string;
  created_at: number;
  device: string | null;
  place: string | null;
  /** Set when a merge brought this event from another account: that account's masked email, shown beside it. */
  merged_from: string | null;
}

/** A network (IPv4 address or IPv6 /64) that has signed in to an account. */
export interface KnownNetworkTable {
  account_id: string;
  network: string;
  created_at: number;
  last_seen_at: number;
}

/** An emailed "let this browser try again" link, bound to the device cookie of the browser that asked. */
export interface RetryPassTable {
  id: string;
  account_id: string | null;
  device_hash: string;
  link_hash: string;
  expires_at: number;
  used_at: number | null;
  trusted_until: number | null;
  created_at: number;
}

export interface KnownDeviceTable {
  id: string;
  account_id: string;
  device_hash: string;
  device: string;
  created_at: number;
  last_seen_at: number;
}
