// Members of staff. Row types only; schema.ts lists the tables.

export interface StaffTable {
  id: string;
  email: string;
  name: string;
  role: string;
  status: 'setup' | 'active' | 'disabled';
  password_hash: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
