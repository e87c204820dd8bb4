import { cleanText } from '../platform/text.js';

export const NAME_MAX = 100;

const nameMessages = {
  required: 'Enter your name.',
  too_long: `Your name can be at most ${NAME_MAX} characters.`,
  invalid_characters: 'Your name contains characters we cannot accept (control or text-direction characters).',
};

/** A customer's name: any script, emoji welcome; see cleanText for what is refused. */
export function validateName(input: string): string | { message: string } {
  const cleaned = cleanText(input, NAME_MAX);
  return typeof cleaned === 'string' ? cleaned : { message: nameMessages[cleaned.problem] };
}
