import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { isBlocklisted } from './blocklist.js';

/**
 * The password rule (README "Password rule"): NIST SP 800-63B-4 §3.1.1.2 asks for 15 characters when the password
 * is the account's only factor, 8 when it is one of two. No composition rules, no expiry. Spaces and any Unicode
 * are allowed; the password is NFC-normalised and never truncated; 128 characters is the ceiling (ASVS 6.2.9 asks
 * that at least 64 be accepted) so a megabyte "password" cannot tie up the hasher.
 */
export const PASSWORD_MIN_SINGLE_FACTOR = 15;
export const PASSWORD_MIN_WITH_SECOND_FACTOR = 8;
export const PASSWORD_MAX = 128;
/** zxcvbn score 3: about 10^8 guesses; below that an online attacker with a leaked hash wins quickly. */
const MIN_SCORE = 3;
const SERVICE_WORDS = ['custos'];

const estimator = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

export interface PasswordContext {
  name?: string;
  email?: string;
  phone?: string;
  hasSecondFactor?: boolean;
}

export interface PasswordVerdict {
  ok: boolean;
  /** Stable reason code when not ok. */
  reason?: 'too_short' | 'too_long' | 'blocklisted' | 'context' | 'weak';
  message?: string;
  /** 0–4, for the meter shown while typing. */
  score: number;
  suggestions: string[];
}

export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

export function checkPassword(raw: string, context: PasswordContext = {}): PasswordVerdict {
  const password = normalizePassword(raw);
  const length = [...password].length;
  const min = context.hasSecondFactor ? PASSWORD_MIN_WITH_SECOND_FACTOR : PASSWORD_MIN_SINGLE_FACTOR;
  const words = contextWords(context);
  const estimate = estimator.check(password.slice(0, 256), words);
  const suggestions = estimate.feedback.suggestions.slice(0, 3);
  const score = estimate.score;
  const fail = (reason: PasswordVerdict['reason'], message: string): PasswordVerdict => ({ ok: false, reason, message, score, suggestions });

  if (length < min) {
    return fail('too_short', `Use at least ${min} characters. A few unrelated words with spaces make a strong, memorable password.`);
  }
  if (length > PASSWORD_MAX) return fail('too_long', `Use at most ${PASSWORD_MAX} characters.`);
  if (isBlocklisted(password)) {
    return fail('blocklisted', 'This password appears in lists of leaked passwords that attackers try first. Please choose another.');
  }
  const lowered = password.toLowerCase();
  const found = words.find((word) => lowered.includes(word));
  if (found) {
    return fail('context', 'Your password must not contain your name, your email address or the name of this service.');
  }
  if (score < MIN_SCORE) {
    const hint = estimate.feedback.warning ? ` ${estimate.feedback.warning}` : '';
    return fail('weak', `This password would be easy to guess.${hint} Try adding another word or two.`);
  }
  return { ok: true, score, suggestions };
}

/** Words an attacker tries first for this customer (ASVS 6.2.12): the service, their name, their email and phone. */
function contextWords(context: PasswordContext): string[] {
  const words = new Set<string>(SERVICE_WORDS);
  const add = (value: string | undefined) => {
    if (!value) return;
    for (const part of value.toLowerCase().normalize('NFC').split(/[^\p{L}\p{N}]+/u)) {
      if ([...part].length >= 4) words.add(part);
    }
  };
  add(context.name);
  if (context.email) {
    const email = context.email.toLowerCase();
    words.add(email);
    const [local, domain] = email.split('@');
    add(local);
    add(domain?.split('.')[0]);
  }
  if (context.phone) words.add(context.phone.replace(/\D/g, '').slice(-7));
  return [...words];
}
