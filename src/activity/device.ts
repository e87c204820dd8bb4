import { UAParser } from 'ua-parser-js';

/**
 * "Chrome on macOS" from a User-Agent, for the session list and alerts; never used to identify a device.
 * Parsing runs dozens of regular expressions and a sign-in asks several times, while real traffic has few
 * distinct agents: remember the last few hundred answers.
 */
const remembered = new Map<string, string>();
const REMEMBER = 500;

export function describeDevice(userAgent: string): string {
  if (!userAgent) return 'Unknown device';
  const key = userAgent.slice(0, 512);
  const known = remembered.get(key);
  if (known) return known;
  const description = parse(key);
  remembered.set(key, description);
  if (remembered.size > REMEMBER) remembered.delete(remembered.keys().next().value!);
  return description;
}

function parse(userAgent: string): string {
  const result = new UAParser(userAgent).getResult();
  const browser = result.browser.name;
  const os = result.os.name ? `${result.os.name}${result.os.version ? ` ${result.os.version.split('.')[0]}` : ''}` : undefined;
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return os;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}
