import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { storeKey } from '../merchants/store-key-guard.js';
import { CUSTOMER_ROW_JSON_SCHEMA } from './customer-row-schema.js';
import { importBatch, prepareRow, type RowOutcome } from './import-batch.js';

/**
 * The import over the store API, for a shop that sends its customers in batches: the same checks and writes as
 * `npm run import` (import-batch.ts), one batch per call, answered row by row in order. Idempotent by source_id, so
 * a call retried after a timeout reports the rows it already imported as already_imported.
 */
export const API_BATCH_MAX = 1000;
/** 1,000 rows of a few addresses each fit with room; anything larger is refused before it is read. */
export const API_BODY_LIMIT = 4 * 1024 * 1024;
const TAG = 'Store API';

export function registerCustomerImportApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: '/api/store/v1/customer-imports', tag: TAG, guards: [storeKey], bodyLimit: API_BODY_LIMIT,
    summary:
      `Import customers from another platform: {"customers": [rows]}, 1–${API_BATCH_MAX} rows in the format of GET /api/store/v1/customer-imports/schema ` +
      '(one JSON Lines row each). Answers each row in order: imported (with account_id), already_imported (that source_id was imported before), ' +
      'conflict (an email or phone already belongs to an account; never merged) or invalid (with the fields and reasons). A bad row never stops the others.',
    body: z.object({ customers: z.array(z.looseObject({}).describe('One customer import row.')).min(1).max(API_BATCH_MAX, `At most ${API_BATCH_MAX} customers per call.`) }).strict(),
    responses: { 200: 'One result per row, in order, and a summary', 400: 'Not a list of 1–1000 objects', 401: 'Missing, unknown or revoked store key (store.key_invalid)', 413: 'Body larger than 4 MB' },
    handler: async ({ body, store }) => {
      const prepared = await Promise.all(body.customers.map((row) => prepareRow(row, deps.config.defaultPhoneRegion)));
      const outcomes = await importBatch(deps, prepared, { importedBy: store.id });
      const count = (status: RowOutcome['status']) => outcomes.filter((o) => o.status === status).length;
      return {
        results: outcomes.map((outcome, index) => resultJson(index, outcome)),
        summary: { imported: count('imported'), already_imported: count('already_imported'), conflicts: count('conflict'), errors: count('invalid') },
      };
    },
  });

  api.add({
    method: 'GET', path: '/api/store/v1/customer-imports/schema', tag: TAG, guards: [],
    summary: 'The JSON Schema (draft 2020-12) of one customer import row: the format exporters write, kept stable.',
    responses: { 200: 'The JSON Schema' },
    handler: async () => CUSTOMER_ROW_JSON_SCHEMA,
  });
}

function resultJson(index: number, outcome: RowOutcome) {
  const base = { index, source_id: outcome.sourceId, status: outcome.status };
  if (outcome.status === 'imported' || outcome.status === 'already_imported') return { ...base, account_id: outcome.accountId };
  return { ...base, problems: outcome.problems };
}
