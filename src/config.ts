import { z } from 'zod';
import { buildKeyring, type Keyring } from './platform/keyring.js';
import { isCurrency } from './orders/currencies.js';
import { parseDkimConfig, type DkimConfig } from './notify/dkim.js';

/**
 * Environment → typed, validated Config. Parsed once at start and passed down explicitly; nothing reads
 * process.env after this. Defaults make `npm start` work on a laptop; production refuses weak settings.
 */
export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  publicUrl: string;
  /** The newest SECRET. Anything stored or verified later must use `keys`, so that it survives a rotation. */
  secret: string;
  /** SECRET plus PREVIOUS_SECRETS: new values are keyed with the newest, old ones still verify and unseal. */
  keys: Keyring;
  databaseUrl: string | undefined;
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** DKIM signing of outgoing mail (notify/dkim.ts); undefined when DKIM_PRIVATE_KEY and DKIM_SELECTOR are unset. */
  dkim: DkimConfig | undefined;
  /** The store's name as customers know it: support tells callers who they are talking to with it. */
  storeName: string;
  smsWebhookUrl: string | undefined;
  defaultPhoneRegion: string;
  sessionIdleMinutes: number;
  sessionAbsoluteDays: number;
  stepUpMinutes: number;
  activityRetentionDays: number;
  /** How long after delivery a customer may ask to return an item (orders/cases.ts). */
  returnWindowDays: number;
  /**
   * How long a supervised recovery waits after approval before the new contact gets its link, while every old
   * contact may cancel it (support/recovery). At least 24 hours; no role or route can shorten a running one.
   */
  supportRecoveryWaitHours: number;
  /** How long a released email or phone stays out of anyone else's reach (accounts/quarantine.ts). */
  identifierQuarantineDays: number;
  /** How long a closed account can be reopened by signing in before its personal data is erased (closing/). */
  closeGraceDays: number;
  /** Only development and test may show what would be sent. */
  devMailbox: boolean;
  /** The `__Host-` prefix requires Secure, and browsers drop Secure cookies on plain http except on localhost. */
  secureCookies: boolean;
  /**
   * Which X-Forwarded-For hops to believe: none (false), the last N hops, or only these proxy addresses. Never
   * "every hop", which would let a client choose its own address and slip past per-source limits.
   */
  trustProxy: false | number | string[];
  logLevel: string;
  /**
   * Which payment gateway adapter saves and charges cards. 'sandbox' is built in for development and tests: its
   * own card page takes any valid number (only the published test numbers decline), so production refuses it —
   * real card numbers and security codes would be typed into Custos itself. 'none' saves no new cards.
   */
  paymentGateway: 'sandbox' | 'none';
  /** How many messages may go out per window, so sending can't be turned into SMS pumping or mail bombing. */
  messageBudgets: MessageBudgets;
  /** How long a webhook receiver may take to answer before the attempt counts as failed (webhooks/delivery.ts). */
  webhookTimeoutMs: number;
  /**
   * "Pay with": above this amount (minor units, per currency) a customer confirms their password or passkey
   * before approving a partner's checkout, even for a partner they paid before. A currency not listed always asks.
   */
  payConfirmAbove: ReadonlyMap<string, number>;
  /**
   * The shop's own sites a customer may be sent back to after signing in or adding an address or card
   * (`return_to`), as origins (`https://shop.example`); any other absolute URL is ignored (platform/web/return-to.ts).
   */
  returnUrlOrigins: string[];
  /**
   * Let back-channel logout reach loopback and private addresses, which the OpenID provider refuses by default
   * (SSRF). Only for tests and a partner run beside the service in development; production refuses it.
   */
  partnerLogoutAllowPrivate: boolean;
}

/** Per hour and per day; see the README's "Text and email budgets". */
export interface BudgetLimits {
  hour: number;
  day: number;
}

export interface MessageBudgets {
  sms: { number: BudgetLimits; account: BudgetLimits; network: BudgetLimits; country: BudgetLimits; maxPerHour: number };
  email: { address: BudgetLimits };
}

const DEV_SECRET = 'development-only-secret-not-for-production-use';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SECRET: z.string().optional(),
  // Comma-separated, newest first: secrets that were SECRET before, still accepted for what they keyed.
  PREVIOUS_SECRETS: z.string().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Custos <no-reply@localhost>'),
  // PEM text or the path of a PEM file; checked by parseDkimConfig (notify/dkim.ts).
  DKIM_PRIVATE_KEY: z.string().max(20_000).optional(),
  DKIM_SELECTOR: z.string().max(253).optional(),
  DKIM_DOMAIN: z.string().max(253).optional(),
  STORE_NAME: z.string().trim().min(1).max(60).default('Custos'),
  SMS_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  DEFAULT_PHONE_REGION: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code').default('US'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(60 * 24 * 90).default(60 * 24 * 7),
  SESSION_ABSOLUTE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
  ACTIVITY_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(365),
  RETURN_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SUPPORT_RECOVERY_WAIT_HOURS: z.coerce.number().int().min(24).max(24 * 30).default(72),
  IDENTIFIER_QUARANTINE_DAYS: z.coerce.number().int().min(7).max(3650).default(90),
  CLOSE_GRACE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  TRUST_PROXY: z
    .string()
    .regex(/^(false|true|\d{1,2}|[\d.:a-fA-F/]+(,[\d.:a-fA-F/]+)*)$/, 'must be false, a number of proxy hops, or a comma-separated list of proxy addresses')
    .default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // No default here: it depends on NODE_ENV (sandbox outside production, none in production).
  PAYMENT_GATEWAY: z.enum(['sandbox', 'none']).optional(),
  // Comma-separated origins (scheme, host, optional port); each is checked by parseReturnUrlOrigins.
  RETURN_URL_ORIGINS: z.string().max(10_000).optional(),
  // Message budgets (README "Text and email budgets"): SMS pumping and mail bombing cost money and trust.
  SMS_BUDGET_NUMBER_HOUR: budget(5),
  SMS_BUDGET_NUMBER_DAY: budget(10),
  SMS_BUDGET_ACCOUNT_HOUR: budget(10),
  SMS_BUDGET_ACCOUNT_DAY: budget(20),
  SMS_BUDGET_NETWORK_HOUR: budget(30),
  SMS_BUDGET_NETWORK_DAY: budget(200),
  SMS_BUDGET_COUNTRY_HOUR: budget(200),
  SMS_BUDGET_COUNTRY_DAY: budget(1000),
  SMS_MAX_PER_HOUR: budget(500),
  EMAIL_BUDGET_ADDRESS_HOUR: budget(5),
  EMAIL_BUDGET_ADDRESS_DAY: budget(20),
  // Below the delivery worker's 60 s claim, so a claim never lapses while a webhook is still being sent.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  PAY_CONFIRM_ABOVE: z
    .string()
    .refine((value) => parsePayConfirmAbove(value) !== null, 'must be CURRENCY:AMOUNT pairs separated by commas, e.g. USD:10000,EUR:10000 (ISO 4217 codes, whole minor units, each currency once)')
    .default('USD:10000,EUR:10000'),
  PARTNER_LOGOUT_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
});

/** "USD:10000,EUR:10000" → USD → 10000, EUR → 10000 (minor units); null when any part is malformed. */
export function parsePayConfirmAbove(value: string): Map<string, number> | null {
  const limits = new Map<string, number>();
  for (const part of value.split(',')) {
    const match = /^\s*([A-Z]{3}):(\d{1,15})\s*$/.exec(part);
    if (!match || !isCurrency(match[1]!) || limits.has(match[1]!)) return null;
    limits.set(match[1]!, Number(match[2]));
  }
  return limits;
}

function budget(fallback: number) {
  return z.coerce.number({ error: 'must be a whole number of messages' }).int('must be a whole number of messages').positive('must be at least 1').max(1_000_000).default(fallback);
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const previousSecrets = (e.PREVIOUS_SECRETS ?? '').split(',').map((secret) => secret.trim()).filter((secret) => secret !== '');
  if (production) {
    const missing: string[] = [];
    if (!e.SECRET || !isStrongSecret(e.SECRET)) missing.push('SECRET (at least 32 characters, not a repeated or example value)');
    // A weak old key would still unseal authenticator keys and verify codes: it must be as strong as SECRET.
    if (!previousSecrets.every(isStrongSecret)) missing.push('strong PREVIOUS_SECRETS (each at least 32 characters, not a repeated or example value)');
    if (!e.PUBLIC_URL) missing.push('PUBLIC_URL');
    if (!e.DATABASE_URL) missing.push('DATABASE_URL');
    if (missing.length) throw new ConfigError(`Refusing to start in production without: ${missing.join(', ')}`);
    if (e.PARTNER_LOGOUT_ALLOW_PRIVATE === '1') throw new ConfigError('Refusing to start in production with PARTNER_LOGOUT_ALLOW_PRIVATE=1: back-channel logout must not reach private addresses.');
    if (e.PAYMENT_GATEWAY === 'sandbox') {
      throw new ConfigError(
        'Refusing to start in production with PAYMENT_GATEWAY=sandbox: its card page would take real card numbers and security codes into this service, and any valid number would be saved. Configure a real gateway adapter, or PAYMENT_GATEWAY=none to keep saved cards without adding new ones.',
      );
    }
  }
  const returnUrlOrigins = parseReturnUrlOrigins(e.RETURN_URL_ORIGINS ?? '');
  let dkim: DkimConfig | undefined;
  try {
    dkim = parseDkimConfig({ key: e.DKIM_PRIVATE_KEY, selector: e.DKIM_SELECTOR, domain: e.DKIM_DOMAIN }, e.MAIL_FROM);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${(error as Error).message}`);
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    secret: e.SECRET ?? DEV_SECRET,
    keys: buildKeyring(e.SECRET ?? DEV_SECRET, previousSecrets),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    dkim,
    storeName: e.STORE_NAME,
    smsWebhookUrl: e.SMS_WEBHOOK_URL,
    defaultPhoneRegion: e.DEFAULT_PHONE_REGION,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteDays: e.SESSION_ABSOLUTE_DAYS,
    stepUpMinutes: e.STEP_UP_MINUTES,
    activityRetentionDays: e.ACTIVITY_RETENTION_DAYS,
    returnWindowDays: e.RETURN_WINDOW_DAYS,
    supportRecoveryWaitHours: e.SUPPORT_RECOVERY_WAIT_HOURS,
    identifierQuarantineDays: e.IDENTIFIER_QUARANTINE_DAYS,
    closeGraceDays: e.CLOSE_GRACE_DAYS,
    devMailbox: !production,
    secureCookies: true,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    paymentGateway: e.PAYMENT_GATEWAY ?? (production ? 'none' : 'sandbox'),
    messageBudgets: {
      sms: {
        number: { hour: e.SMS_BUDGET_NUMBER_HOUR, day: e.SMS_BUDGET_NUMBER_DAY },
        account: { hour: e.SMS_BUDGET_ACCOUNT_HOUR, day: e.SMS_BUDGET_ACCOUNT_DAY },
        network: { hour: e.SMS_BUDGET_NETWORK_HOUR, day: e.SMS_BUDGET_NETWORK_DAY },
        country: { hour: e.SMS_BUDGET_COUNTRY_HOUR, day: e.SMS_BUDGET_COUNTRY_DAY },
        maxPerHour: e.SMS_MAX_PER_HOUR,
      },
      email: { address: { hour: e.EMAIL_BUDGET_ADDRESS_HOUR, day: e.EMAIL_BUDGET_ADDRESS_DAY } },
    },
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    payConfirmAbove: parsePayConfirmAbove(e.PAY_CONFIRM_ABOVE)!,
    returnUrlOrigins,
    partnerLogoutAllowPrivate: e.PARTNER_LOGOUT_ALLOW_PRIVATE === '1',
  };
}

/**
 * RETURN_URL_ORIGINS: each entry an origin only — https (http only for a loopback host, for local shops), a host,
 * an optional port, nothing after it. A path, query or credentials would suggest a prefix match that is not made
 * (origins are compared whole), so they refuse to start, naming the entry.
 */
export function parseReturnUrlOrigins(value: string): string[] {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return [...new Set(entries.map(originOf))];
}

function originOf(entry: string): string {
  const refuse = (why: string) => new ConfigError(`Invalid configuration:\n  RETURN_URL_ORIGINS: "${entry.slice(0, 200)}" ${why}`);
  // Scheme, authority and at most a trailing slash: no path, query, fragment, user name, space or backslash.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s\\]+\/?$/i.test(entry)) {
    throw refuse('must be an origin only, like https://shop.example (a scheme, a host and an optional port; no path)');
  }
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw refuse('is not an origin like https://shop.example');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must start with https://');
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw refuse('must use https (http only for localhost or 127.0.0.1)');
  return url.origin;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A secret must be long and not trivially guessable (e.g. "aaaa…", the development default). */
export function isStrongSecret(secret: string): boolean {
  if (secret.length < 32 || secret === DEV_SECRET) return false;
  return new Set(secret).size >= 10;
}

function parseTrustProxy(value: string): false | number | string[] {
  if (value === 'false') return false;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) return Number(value) || false;
  return value.split(',');
}
