import { confirmEmailChange, confirmPhone, requestEmailChange, requestPhoneChange } from './contact-changes.js';
import type { Profile } from '../accounts/profile.js';
import type { Deps, RequestInfo } from '../platform/context.js';

/**
 * The two contact details a customer signs in with. Changing either is the same journey — confirm password,
 * enter the new one, prove it with the code we send there — so the pages are written once and this table
 * says what differs.
 */
export interface ContactKind {
  /** Also the form field's name, which is the key the domain uses for its field errors. */
  field: 'email' | 'phone';
  path: '/account/email' | '/account/phone';
  purpose: 'email_change' | 'phone_confirm';
  title: string;
  label: string;
  inputType: 'email' | 'tel';
  autocomplete: string;
  hint: string;
  /** Where the code goes, for "We sent a code to …". */
  channel: string;
  codeHint: string;
  current(profile: Profile): string | null;
  pending(profile: Profile): string | null;
  request(deps: Deps, input: { accountId: string; value: string; info: RequestInfo }): Promise<unknown>;
  confirm(deps: Deps, input: { accountId: string; code: string; info: RequestInfo }): Promise<void>;
}

export const EMAIL: ContactKind = {
  field: 'email',
  path: '/account/email',
  purpose: 'email_change',
  title: 'Change your email address',
  label: 'New email address',
  inputType: 'email',
  autocomplete: 'email',
  hint: "We'll send a code to the new address. Your current address keeps working until you confirm.",
  channel: 'email',
  codeHint: 'The code expires in 24 hours.',
  current: (profile) => profile.email,
  pending: (profile) => profile.pendingEmail,
  request: (deps, input) => requestEmailChange(deps, { accountId: input.accountId, email: input.value, info: input.info }),
  confirm: confirmEmailChange,
};

export const PHONE: ContactKind = {
  field: 'phone',
  path: '/account/phone',
  purpose: 'phone_confirm',
  title: 'Your mobile phone number',
  label: 'Mobile phone number',
  inputType: 'tel',
  autocomplete: 'tel',
  hint: "We'll text a code to this number. Include the country code if it's not a local number.",
  channel: 'text message',
  codeHint: 'The code expires in 10 minutes.',
  current: (profile) => profile.phone,
  pending: (profile) => profile.pendingPhone,
  request: (deps, input) => requestPhoneChange(deps, { accountId: input.accountId, phone: input.value, info: input.info }),
  confirm: confirmPhone,
};
