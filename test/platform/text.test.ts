import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/platform/text.js';
import { validateName } from '../../src/accounts/fields.js';

describe('cleanText', () => {
  it('NFC-normalises and trims', () => {
    expect(cleanText('  Zoe\u0308  ', 50)).toBe('Zoë');
  });

  it('keeps any script, emoji and joiners as typed', () => {
    for (const text of ['مريم', 'דוד', '山田 太郎', '👩‍👩‍👧', 'Zoë Ō’Brien', 'A\u200Db']) expect(cleanText(text, 50)).toBe(text.normalize('NFC'));
  });

  it('refuses empty text', () => {
    expect(cleanText('', 10)).toEqual({ problem: 'required' });
    expect(cleanText(' \t ', 10)).toEqual({ problem: 'required' });
  });

  it('counts characters (code points), not UTF-16 units', () => {
    expect(cleanText('😀'.repeat(5), 5)).toBe('😀'.repeat(5));
    expect(cleanText('😀'.repeat(6), 5)).toEqual({ problem: 'too_long' });
  });

  it('Trojan Source (CVE-2021-42574): refuses bidi embeddings, overrides and isolates', () => {
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(cleanText(`abc${c}def`, 50), c.codePointAt(0)!.toString(16)).toEqual({ problem: 'invalid_characters' });
    }
  });

  it('refuses C0 and C1 control characters and line/paragraph separators inside the text', () => {
    for (const c of ['\u0000', '\u0001', '\u0007', '\u0008', '\n', '\r', '\t', '\u001b', '\u007f', '\u0080', '\u0085', '\u009f', '\u2028', '\u2029']) {
      expect(cleanText(`abc${c}def`, 50), c.codePointAt(0)!.toString(16)).toEqual({ problem: 'invalid_characters' });
    }
  });
});

describe('cleanText, multiline (descriptions and notes)', () => {
  it('keeps line breaks, as LF, and still refuses every other control, bidi override and lone surrogate', () => {
    expect(cleanText(' First line\r\nsecond\rthird\n ', 50, { multiline: true })).toBe('First line\nsecond\nthird');
    for (const c of ['\u0000', '\t', '\u000b', '\u001b', '\u0085', '\u2028', '\u202E', '\u2066', '\ud800']) {
      expect(cleanText(`abc${c}def`, 50, { multiline: true }), c.codePointAt(0)!.toString(16)).toEqual({ problem: 'invalid_characters' });
    }
    expect(cleanText('abc\ndef', 50)).toEqual({ problem: 'invalid_characters' });
  });

  it('refuses lone surrogates everywhere (they would reach the database as U+FFFD), and a megabyte before normalising it', () => {
    expect(cleanText('Ada\udc00', 50)).toEqual({ problem: 'invalid_characters' });
    expect(cleanText('x'.repeat(1024 * 1024), 2000, { multiline: true })).toEqual({ problem: 'too_long' });
  });
});

describe('validateName', () => {
  it('gives a message per problem, and returns the cleaned name otherwise', () => {
    expect(validateName('  Ada Lovelace ')).toBe('Ada Lovelace');
    expect(validateName('')).toEqual({ message: expect.stringMatching(/Enter your name/) });
    expect(validateName('x'.repeat(81))).toEqual({ message: expect.stringMatching(/at most 80/) });
    expect(validateName('Ada\u202E')).toEqual({ message: expect.stringMatching(/characters we cannot accept/) });
  });
});
