import { errors } from '../platform/errors.js';
import { cleanText } from '../platform/text.js';

/**
 * The ticket reference an agent types when checking a caller: required, and every action in the window is
 * filed under it. Letters, digits and a few separators only — it is repeated in audit details and pages.
 */
const TICKET_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._#:\/-]{0,39}$/;

export function cleanTicket(input: unknown): string {
  const cleaned = typeof input === 'string' ? cleanText(input, 40) : { problem: 'required' as const };
  if (typeof cleaned !== 'string') {
    throw errors.invalidInput({ ticket: cleaned.problem === 'required' ? 'Type the ticket reference for this call.' : 'A ticket reference is at most 40 characters.' });
  }
  if (!TICKET_SHAPE.test(cleaned)) throw errors.invalidInput({ ticket: 'A ticket reference is letters and digits (and . _ # : / -), with no spaces.' });
  return cleaned;
}
