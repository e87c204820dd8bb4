import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * DKIM signing of outgoing mail, for deliverability and so receivers can tell our mail from a forgery of our domain
 * (README "Is this message really from us?" lists the SPF, DKIM and DMARC records to publish). Set both
 * DKIM_PRIVATE_KEY and DKIM_SELECTOR, or neither. The key is either the PEM text itself (line breaks may be written
 * as \n in one line) or the path of a PEM file, read once at start. It must be an RSA private key of at least 1024
 * bits (RFC 8301; 2048 recommended). DKIM_DOMAIN defaults to the domain of MAIL_FROM. Any problem refuses to start,
 * naming the setting and never printing the key.
 */
export interface DkimConfig {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const SELECTOR = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'i');
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)+[a-z][a-z0-9-]{0,62}$`, 'i');
const MIN_RSA_BITS = 1024;

export function parseDkimConfig(env: { key?: string; selector?: string; domain?: string }, mailFrom: string): DkimConfig | undefined {
  if (!env.key && !env.selector) return undefined;
  if (!env.key || !env.selector) throw new Error('DKIM_PRIVATE_KEY and DKIM_SELECTOR: set both to sign mail with DKIM, or neither');
  if (!SELECTOR.test(env.selector)) throw new Error('DKIM_SELECTOR: must be a DNS label such as "custos1" (letters, digits and hyphens)');
  const domainName = env.domain ?? domainOf(mailFrom);
  if (!domainName || !DOMAIN.test(domainName)) {
    throw new Error(env.domain ? 'DKIM_DOMAIN: must be a domain name such as "shop.example"' : 'DKIM_DOMAIN: MAIL_FROM has no domain to sign for; set DKIM_DOMAIN');
  }
  const privateKey = readKey(env.key);
  return { domainName: domainName.toLowerCase(), keySelector: env.selector, privateKey };
}

function readKey(value: string): string {
  let pem: string;
  if (value.trimStart().startsWith('-----BEGIN')) pem = value.replace(/\\n/g, '\n');
  else {
    try {
      pem = readFileSync(value, 'utf8');
    } catch {
      throw new Error('DKIM_PRIVATE_KEY: is neither PEM text nor the path of a readable PEM file');
    }
  }
  let key;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('DKIM_PRIVATE_KEY: is not a PEM private key');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new Error(`DKIM_PRIVATE_KEY: must be an RSA private key of at least ${MIN_RSA_BITS} bits (2048 recommended)`);
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** `Custos <no-reply@shop.example>` or `no-reply@shop.example` → `shop.example`. */
export function domainOf(mailFrom: string): string | undefined {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).trim() : undefined;
}
