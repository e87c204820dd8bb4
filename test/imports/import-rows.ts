/** Rows for import tests: a valid customer by number, bent per test with overrides. */
export function importRow(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source_id: `wc-${n}`,
    name: `Customer ${n}`,
    emails: [{ address: `customer${n}@import.example`, verified: true }],
    created_at: '2019-04-01T12:00:00Z',
    ...overrides,
  };
}

export function jsonl(rows: unknown[]): string {
  return rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n';
}
