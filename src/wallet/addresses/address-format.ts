import { countryName, countryRule } from './address-rules.js';
import type { PostalAddress } from './address-fields.js';

const DEFAULT_LAYOUT = ['{name}', '{line1}', '{line2}', '{city} {region} {zip}'];
// Han, kana and hangul are written without spaces between units: 東京都 千代田区 reads 東京都千代田区.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * The address as the lines a carrier expects for its country (e.g. "San Francisco, CA 94103" in the US; the
 * postcode on its own line in the UK; postal code first in Japan, China and Korea), then the country's name.
 * The phone number is not part of the postal lines.
 */
export function formatAddressLines(a: PostalAddress): string[] {
  const values: Record<string, string | null> = {
    name: a.fullName,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    region: a.region,
    zip: a.postalCode,
  };
  const layout = countryRule(a.country)?.layout ?? DEFAULT_LAYOUT;
  const lines = layout.map((template) => renderLine(template, values)).filter((line) => line !== '');
  lines.push(countryName(a.country) ?? a.country);
  return lines;
}

/** Fills one template line; an empty token takes the separator before it away ("City, ST 94103" → "City 94103"). */
function renderLine(template: string, values: Record<string, string | null>): string {
  const parts = template.split(/(\{[a-z0-9]+\})/).filter((part) => part !== '');
  let line = '';
  let separator = '';
  for (const part of parts) {
    const token = /^\{([a-z0-9]+)\}$/.exec(part);
    if (!token) {
      separator += part;
      continue;
    }
    const value = values[token[1]!];
    if (value) {
      if (line) line += separator === ' ' && CJK.test(line.slice(-1)) && CJK.test(value[0]!) ? '' : separator;
      line += value;
    }
    separator = '';
  }
  return line;
}
