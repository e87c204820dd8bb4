import { cleanText } from '../platform/text.js';

/**
 * A customer's name: any script, emoji welcome; see cleanText for what is refused. Names are the one thing a
 * stranger types that our emails repeat, so a name is only a name: no web or email address (a sign-up named
 * "URGENT: pay at https://…" would have us send that sentence in our own voice), no line breaks, at most 80
 * characters. Sign-up and every later change go through validateName, pages and API alike.
 */
export const NAME_MAX = 80;

const nameMessages = {
  required: 'Enter your name.',
  too_long: `Your name can be at most ${NAME_MAX} characters.`,
  invalid_characters: 'Your name contains characters we cannot accept (line breaks, control or text-direction characters).',
  address: 'A name can’t contain a web or email address. Enter just your name.',
};

// A scheme, "www.", an @ (or its full-width twin), or a dot — ASCII or full-width — joining two words
// ("evil.example"; "J.R.R. Tolkien" and "Mr. Smith" pass).
const WEB_OR_EMAIL_ADDRESS = /:\/\/|www[.\uFF0E]|[@\uFF20]|[\p{L}\p{N}][.\uFF0E][\p{L}\p{N}]{2}/iu;

export function validateName(input: string): string | { message: string } {
  const cleaned = cleanText(input, NAME_MAX);
  if (typeof cleaned !== 'string') return { message: nameMessages[cleaned.problem] };
  return WEB_OR_EMAIL_ADDRESS.test(cleaned) ? { message: nameMessages.address } : cleaned;
}
