import { isProblem, parsePhone } from '../../accounts/identifiers.js';
import { errors } from '../../platform/errors.js';
import { ADDRESS_FIELDS, type AddressField, type AddressJson, type PostalAddress } from './address-fields.js';
import { applyCountryRules, countryName, countryRule, isSupportedCountry } from './address-rules.js';

export { ADDRESS_FIELDS, type AddressField, type AddressJson, type PostalAddress } from './address-fields.js';

// Generous for any real address, small enough that a label printer and a database index never choke.
export const ADDRESS_LIMITS: Record<AddressField, number> = {
  full_name: 100,
  line1: 100,
  line2: 100,
  city: 60,
  region: 60,
  postal_code: 16,
  // Checked against the list of codes; the room lets a typed name get the message that explains codes.
  country: 60,
  phone: 40,
};

const required = new Set<AddressField>(['full_name', 'line1', 'country']);

const requiredMessages: Partial<Record<AddressField, string>> = {
  full_name: 'Enter the name of the person who receives the post.',
  line1: 'Enter the street address or PO box.',
  country: 'Choose a country.',
};

const labels: Record<AddressField, string> = {
  full_name: 'The name',
  line1: 'Address line 1',
  line2: 'Address line 2',
  city: 'The town or city',
  region: 'The state, province or region',
  postal_code: 'The postal code',
  country: 'The country',
  phone: 'The phone number',
};

// Refused rather than stripped, so what is stored is what the customer typed and saw:
// C0/C1 controls (NUL, CR/LF header and CSV injection), bidi overrides and isolates (Trojan Source,
// CVE-2021-42574), line/paragraph separators, invisible zero-width characters used to make two addresses look
// alike (U+200B, U+2060-2064, U+FEFF), lone surrogates, private-use and unassigned code points, and the
// replacement characters left by text decoded in the wrong encoding (U+FFFC, U+FFFD).
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2060-\u2069\u2028\u2029\ufeff\ufffc\ufffd]|\p{Cs}|\p{Co}|\p{Cn}/u;
// Carriers print labels and sort mail with systems that have no pictographs; ©, ® and ™ stay allowed.
const PICTOGRAPH = /(?![\u00a9\u00ae\u2122])\p{Extended_Pictographic}|[\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}\u200d\ufe0f]/u;

/**
 * Checks an address object from a JSON body or a form. Every problem is reported at once, keyed by the JSON
 * name with `fieldPrefix` in front (e.g. 'shipping_address.postal_code'); throws errors.invalidInput.
 */
export function parsePostalAddress(input: unknown, fieldPrefix = ''): PostalAddress {
  const problems: Record<string, string> = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw errors.invalidInput({ [fieldPrefix ? fieldPrefix.replace(/\.$/, '') : 'address']: 'Enter an address.' });
  }
  const record = input as Record<string, unknown>;
  let unknownCount = 0;
  for (const key of Object.keys(record)) {
    if ((ADDRESS_FIELDS as readonly string[]).includes(key)) continue;
    // Report a few, with the name cut short: a hostile body must not make a huge answer.
    if (unknownCount++ < 5) problems[fieldPrefix + key.slice(0, 40)] = 'This field is not part of an address.';
  }

  const value = {} as AddressJson;
  for (const field of ADDRESS_FIELDS) {
    const cleaned = cleanField(record[field], field);
    if (typeof cleaned === 'object' && cleaned !== null) problems[fieldPrefix + field] = cleaned.problem;
    else value[field] = cleaned;
  }

  if (value.country) {
    value.country = value.country.toUpperCase();
    if (!isSupportedCountry(value.country)) {
      const name = countryName(value.country);
      problems[fieldPrefix + 'country'] = name
        ? `Addresses in ${name} are not supported yet. Choose a country from the list.`
        : 'Choose a country from the list (a two-letter ISO code such as US, GB or JP).';
    }
  }
  const rule = value.country ? countryRule(value.country) : undefined;
  if (rule && problems[fieldPrefix + 'country'] === undefined) {
    const checked = applyCountryRules(rule, value);
    Object.assign(value, checked.value);
    for (const [field, message] of Object.entries(checked.problems)) {
      problems[fieldPrefix + field] ??= message;
    }
    if (value.phone && problems[fieldPrefix + 'phone'] === undefined) {
      const phone = parsePhone(value.phone, rule.code);
      if (isProblem(phone)) problems[fieldPrefix + 'phone'] = 'Enter a phone number we can call, like +1 415 555 0132.';
      else value.phone = phone.normalized;
    }
  }

  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);
  return fromAddressFields(value);
}

function cleanField(raw: unknown, field: AddressField): string | null | { problem: string } {
  if (raw === undefined || raw === null) return required.has(field) ? { problem: requiredMessages[field]! } : null;
  if (typeof raw !== 'string') return { problem: `${labels[field]} must be text.` };
  const limit = ADDRESS_LIMITS[field];
  const tooLong = { problem: `${labels[field]} can be at most ${limit} characters.` };
  // Cheap check first, so a megabyte of text is never normalised.
  if (raw.length > limit * 4 + 64) return tooLong;
  const text = raw.normalize('NFC').trim();
  if (!text) return required.has(field) ? { problem: requiredMessages[field]! } : null;
  if (INVISIBLE_OR_CONTROL.test(text)) {
    return { problem: `${labels[field]} contains invisible or control characters we cannot accept.` };
  }
  if (PICTOGRAPH.test(text)) return { problem: `${labels[field]} cannot contain emoji or pictographs.` };
  if ([...text].length > limit) return tooLong;
  return text.replace(/\s+/gu, ' ');
}

/**
 * The snake_case shape used by JSON answers, forms, stored snapshots and the address book's columns (the
 * required fields typed as required, so it can be inserted as it is).
 */
export function toAddressFields(a: PostalAddress) {
  return {
    full_name: a.fullName,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    region: a.region,
    postal_code: a.postalCode,
    country: a.country,
    phone: a.phone,
  };
}

/** The inverse of toAddressFields, for a shape already checked (a parsed form, a stored row or snapshot). */
export function fromAddressFields(v: AddressJson): PostalAddress {
  return {
    fullName: v.full_name!,
    line1: v.line1!,
    line2: v.line2,
    city: v.city,
    region: v.region,
    postalCode: v.postal_code,
    country: v.country!,
    phone: v.phone,
  };
}

/** The snapshot kept in cards.billing_address and orders.shipping_address. */
export function toAddressJson(a: PostalAddress): string {
  return JSON.stringify(toAddressFields(a));
}

/**
 * What a page or an answer shows in place of a stored snapshot that can't be read, so one damaged row never
 * takes a whole list (Your Orders, the cards page) down with it. It reads as what it is; nothing could ship to it.
 */
export const UNREADABLE_ADDRESS: Readonly<PostalAddress> = Object.freeze({
  fullName: 'Address unavailable',
  line1: 'This stored address could not be read.',
  line2: null,
  city: null,
  region: null,
  postalCode: null,
  country: '',
  phone: null,
});

/**
 * Reads a stored snapshot, or null when it is damaged (not JSON, a field that isn't text, no name, line 1 or
 * country): it was checked when written, so that is a bug or a hand edit, and the caller logs the row's id —
 * never its content, which is personal data — and shows UNREADABLE_ADDRESS. It is not re-checked against
 * today's country rules, so a changed rule never makes an old order unreadable.
 */
export function readAddressSnapshot(text: string): PostalAddress | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const record = parsed as Record<string, unknown>;
  const value = {} as AddressJson;
  for (const field of ADDRESS_FIELDS) {
    const raw = record[field];
    if (raw !== undefined && raw !== null && typeof raw !== 'string') return null;
    value[field] = raw ?? null;
  }
  if (!value.full_name || !value.line1 || !value.country) return null;
  return fromAddressFields(value);
}

/** A stored snapshot, or UNREADABLE_ADDRESS when it is damaged: for callers with no row id to log. */
export function fromAddressJson(text: string): PostalAddress {
  return readAddressSnapshot(text) ?? UNREADABLE_ADDRESS;
}

export { formatAddressLines } from './address-format.js';
