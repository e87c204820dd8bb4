// The support console's staff (migration 009). Row types only; schema.ts lists the tables.
import type { FactorTable } from './factors.js';

export interface StaffTable {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  status: 'setup' | 'active' | 'disabled';
  password_hash: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface StaffSessionTable {
  id: string;
  staff_id: string;
  token_hash: string;
  stage: 'second_factor' | 'active';
  factors: string;
  created_at: number;
  last_used_at: number;
  idle_expires_at: number;
  expires_at: number;
  ended_at: number | null;
  ip: string;
}

export interface StaffSetupLinkTable {
  id: string;
  staff_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** The same columns as `factors` (account_id holds the staff id), so the methods' queries serve both. */
export type StaffFactorTable = FactorTable;

export interface StaffAuditTable {
  id: string;
  type: string;
  staff_id: string | null;
  actor_id: string | null;
  detail: string | null;
  ip: string | null;
  created_at: number;
}
