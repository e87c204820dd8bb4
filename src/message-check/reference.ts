/**
 * Turning what a person pastes into a reference: the reference itself in any case, with dashes or spaces
 * (`abcde-12345`, `ABCDE 12345`), or a whole link from a message (`https://…/check?ref=ABCDE12345`). Crockford's
 * base32 reads the look-alikes as what they must have meant (O→0, I and L→1), so a reference read off a screen or
 * typed back from paper still matches. Anything else is not a reference: null, never an error with the input in it.
 */
const REFERENCE = /^[0-9A-HJKMNP-TV-Z]{10}$/;
/** Longer than any link we send; a pasted message body is not a reference. */
export const REFERENCE_INPUT_MAX = 2000;

export function normalizeReference(input: string): string | null {
  if (input.length > REFERENCE_INPUT_MAX) return null;
  const fromLink = /[?&]ref=([^&#\s]*)/i.exec(input)?.[1];
  let candidate = fromLink ?? input;
  try {
    candidate = decodeURIComponent(candidate);
  } catch {
    return null;
  }
  const folded = candidate
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—―]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return REFERENCE.test(folded) ? folded : null;
}

/** A reference anywhere in a longer text (a reported message): the first "ref"-labelled one or check link. */
export function findReference(text: string): string | null {
  const labelled = /(?:ref(?:erence)?[:\s=]+|[?&]ref=)([0-9A-Za-z]{5}[-\s]?[0-9A-Za-z]{5})(?![0-9A-Za-z])/i.exec(text)?.[1];
  return labelled ? normalizeReference(labelled) : null;
}
