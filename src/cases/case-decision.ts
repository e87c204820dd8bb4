import type { OrderCaseStatus } from '../platform/db/schema.js';

/** What the store can decide on an open case; the decision is final. */
export type CaseDecision = Exclude<OrderCaseStatus, 'open'>;
export const CASE_DECISIONS: readonly CaseDecision[] = ['accepted', 'refused', 'resolved'];
