/**
 * Free text from customers and shops (names, device labels, descriptions, notes): NFC-normalised and trimmed;
 * control characters and the bidirectional overrides used to disguise text (Trojan Source, CVE-2021-42574) are
 * refused rather than silently stripped, so what is stored is what the customer sees.
 */
export type TextProblem = 'required' | 'too_long' | 'invalid_characters';

export interface CleanTextOptions {
  /** A description or a note: line breaks are kept (CR LF and CR become LF); every other control is still refused. */
  multiline?: boolean;
}

// C0/C1 controls (NUL stops PostgreSQL outright; CR/LF make header and CSV injection), bidi embeddings, overrides
// and isolates, the line/paragraph separators, and lone surrogates, which would reach the database silently
// replaced by U+FFFD.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\p{Cs}/u;
// The same, with LF allowed.
const MULTILINE_FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\p{Cs}/u;

export function cleanText(input: string, maxLength: number, options: CleanTextOptions = {}): string | { problem: TextProblem } {
  // Cheap check first, so a megabyte is never normalised: nothing that long can fit in maxLength characters.
  if (input.length > maxLength * 4) return { problem: 'too_long' };
  let text = input.normalize('NFC');
  if (options.multiline) text = text.replace(/\r\n?/g, '\n');
  text = text.trim();
  if (!text) return { problem: 'required' };
  if ([...text].length > maxLength) return { problem: 'too_long' };
  if (hasForbiddenCharacters(text, options)) return { problem: 'invalid_characters' };
  return text;
}

/** For text cleaned some other way (a search folded to lower case): the characters cleanText refuses. */
export function hasForbiddenCharacters(text: string, options: CleanTextOptions = {}): boolean {
  return (options.multiline ? MULTILINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).test(text);
}
