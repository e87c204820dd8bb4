import { z } from 'zod';
import { isProblem, parseEmail, parsePhone, identifierMessages, type ParsedIdentifier } from '../accounts/identifiers.js';
import { validateName } from '../accounts/fields.js';
import { AppError } from '../platform/errors.js';
import { parsePostalAddress, type PostalAddress } from '../wallet/addresses/postal-address.js';
import { ADDRESS_FIELDS } from '../wallet/addresses/address-fields.js';
import { ISO_TIME, ROW_LIMITS } from './customer-row-schema.js';

/**
 * One import row checked on its own, before any database work: the shape (strict, as the JSON Schema in
 * customer-row-schema.ts says: unknown fields are refused per row, never ignored), then what a schema can't say —
 * emails and phones parsed as sign-up parses them, addresses by the address book's own rules, the name by the
 * profile's. Every problem is reported with the field it is in, so a store can fix its exporter.
 */
export interface ImportedIdentifier {
  identifier: ParsedIdentifier;
  verified: boolean;
}

export interface CheckedRow {
  sourceId: string;
  name: string;
  emails: ImportedIdentifier[];
  phones: ImportedIdentifier[];
  password: { hash: string | null; format: string | null; params: Record<string, unknown> | null };
  addresses: PostalAddress[];
  /** Epoch ms, or null: the time of the import. */
  createdAt: number | null;
}

export interface RowProblem {
  /** Dotted path in the row (emails.0.address), or '' for the row as a whole. */
  field: string;
  reason: string;
}

export type RowCheck = { ok: true; row: CheckedRow } | { ok: false; sourceId: string | null; problems: RowProblem[] };

const text = (max: number) => z.string().max(max, `At most ${max} characters.`);
const optionalText = (max: number) => text(max).nullable().optional();
const addressShape = z
  .object(Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, field === 'full_name' || field === 'line1' || field === 'country' ? z.string().min(1) : z.string().nullable().optional()])))
  .strict();

export const customerRowShape = z
  .object({
    source_id: text(ROW_LIMITS.sourceId).min(1, 'Give the source platform’s customer id.'),
    name: optionalText(ROW_LIMITS.name),
    emails: z.array(z.object({ address: text(ROW_LIMITS.email).min(1), verified: z.boolean() }).strict()).max(ROW_LIMITS.emails, `At most ${ROW_LIMITS.emails} emails.`).optional(),
    phones: z.array(z.object({ number: text(ROW_LIMITS.phone).min(1), verified: z.boolean() }).strict()).max(ROW_LIMITS.phones, 'An account has one phone number.').optional(),
    password_hash: optionalText(ROW_LIMITS.hash),
    password_format: optionalText(ROW_LIMITS.format),
    password_params: z.record(z.string(), z.unknown()).nullable().optional(),
    addresses: z.array(addressShape).max(ROW_LIMITS.addresses, `At most ${ROW_LIMITS.addresses} addresses.`).optional(),
    created_at: z.string().regex(ISO_TIME, 'An ISO 8601 time with a zone, like 2019-04-01T12:00:00Z.').optional(),
  })
  .strict();

export function checkRow(raw: unknown, phoneRegion: string): RowCheck {
  const sourceId = sourceIdOf(raw);
  const shaped = customerRowShape.safeParse(raw);
  if (!shaped.success) return { ok: false, sourceId, problems: shaped.error.issues.slice(0, 10).flatMap(shapeProblems) };
  const input = shaped.data;
  const problems: RowProblem[] = [];

  let name = '';
  if (input.name && input.name.trim()) {
    const checked = validateName(input.name);
    if (typeof checked === 'string') name = checked;
    else problems.push({ field: 'name', reason: checked.message });
  }

  const seen = new Set<string>();
  const identifiers = (list: Array<{ value: string; verified: boolean }>, field: 'emails' | 'phones', key: 'address' | 'number') =>
    list.flatMap((item, index): ImportedIdentifier[] => {
      const parsed = field === 'emails' ? parseEmail(item.value) : parsePhone(item.value, phoneRegion);
      if (isProblem(parsed)) {
        problems.push({ field: `${field}.${index}.${key}`, reason: identifierMessages[parsed] });
        return [];
      }
      if (seen.has(parsed.normalized)) {
        problems.push({ field: `${field}.${index}.${key}`, reason: 'This row names the same address twice.' });
        return [];
      }
      seen.add(parsed.normalized);
      return [{ identifier: parsed, verified: item.verified }];
    });
  const emails = identifiers((input.emails ?? []).map((e) => ({ value: e.address, verified: e.verified })), 'emails', 'address');
  const phones = identifiers((input.phones ?? []).map((p) => ({ value: p.number, verified: p.verified })), 'phones', 'number');
  // The account is its email or phone: with neither, nobody could ever sign in to it.
  if (!input.emails?.length && !input.phones?.length) problems.push({ field: 'emails', reason: 'Give at least one email address or phone number.' });

  const addresses = (input.addresses ?? []).flatMap((address, index) => {
    try {
      return [parsePostalAddress(address, `addresses.${index}.`)];
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      for (const [field, reason] of Object.entries(error.fields ?? {})) problems.push({ field, reason });
      return [];
    }
  });

  let createdAt: number | null = null;
  if (input.created_at !== undefined) {
    createdAt = Date.parse(input.created_at);
    if (!Number.isFinite(createdAt)) problems.push({ field: 'created_at', reason: 'This is not a real date and time.' });
  }

  if (problems.length > 0) return { ok: false, sourceId, problems };
  return {
    ok: true,
    row: {
      sourceId: input.source_id,
      name,
      emails,
      phones,
      password: { hash: input.password_hash ?? null, format: input.password_format ?? null, params: input.password_params ?? null },
      addresses,
      createdAt,
    },
  };
}

function sourceIdOf(raw: unknown): string | null {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).source_id : undefined;
  return typeof id === 'string' && id.length <= ROW_LIMITS.sourceId ? id : null;
}

function shapeProblems(issue: z.core.$ZodIssue): RowProblem[] {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    // Named, cut short: a hostile row must not make a huge report.
    return issue.keys.slice(0, 5).map((key) => ({ field: [at, key.slice(0, 40)].filter(Boolean).join('.'), reason: 'This field is not part of the import format.' }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [{ field: at, reason: 'This field is required.' }];
  return [{ field: at, reason: issue.message }];
}
