import { z } from 'zod';
import { errors } from '../errors.js';

/**
 * Parses a request body with a strict schema: unknown fields, wrong types and oversized strings become a
 * 400 `request.invalid` naming each field, never a 500.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  // reportInput keeps the offending value on each issue, so a wrong type isn't mistaken for a missing field.
  const result = schema.safeParse(body ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key.slice(0, 64)] = 'This field is not recognised.';
      continue;
    }
    const field = issue.path.length ? String(issue.path[0]).slice(0, 64) : 'body';
    fields[field] ??= describeIssue(issue);
  }
  throw errors.invalidInput(fields);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'This field is required.' : `This field must be ${article(issue.expected)}.`;
    case 'too_big':
      return `This field can be at most ${String(issue.maximum)} characters.`;
    case 'too_small':
      return 'This field is required.';
    default:
      return 'This value is not valid.';
  }
}

function article(expected: string): string {
  return expected === 'object' || expected === 'array' ? `an ${expected}` : `a ${expected}`;
}

/** A required text field with a generous but firm ceiling; finer rules live in the domain. */
export const text = (max: number) => z.string().max(max);
