/**
 * Free text from customers (names, device labels): NFC-normalised and trimmed; control characters and the
 * bidirectional overrides used to disguise text (Trojan Source, CVE-2021-42574) are refused rather than
 * silently stripped, so what is stored is what the customer sees.
 */
export type TextProblem = 'required' | 'too_long' | 'invalid_characters';

// C0/C1 controls, bidi embeddings/overrides/isolates, and the line/paragraph separators.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

export function cleanText(input: string, maxLength: number): string | { problem: TextProblem } {
  const text = input.normalize('NFC').trim();
  if (!text) return { problem: 'required' };
  if ([...text].length > maxLength) return { problem: 'too_long' };
  if (FORBIDDEN.test(text)) return { problem: 'invalid_characters' };
  return text;
}
