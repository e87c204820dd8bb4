import { UAParser } from 'ua-parser-js';

/** "Chrome on macOS" from a User-Agent, for the session list and alerts; never used to identify a device. */
export function describeDevice(userAgent: string): string {
  if (!userAgent) return 'Unknown device';
  const result = new UAParser(userAgent.slice(0, 512)).getResult();
  const browser = result.browser.name;
  const os = result.os.name ? `${result.os.name}${result.os.version ? ` ${result.os.version.split('.')[0]}` : ''}` : undefined;
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return os;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}
