import { verify } from '@node-rs/argon2';
import { legacyDigest, type LegacyRecipe } from './recipes.js';

/**
 * A legacy hash wrapped in argon2id (OWASP Password Storage Cheat Sheet, "upgrading legacy hashes"):
 *   $custos-legacy$<format>$<recipe: base64url JSON of what recomputes the old hash>$<argon2id PHC of the old digest>
 * The old digest itself is not in it. At sign-in the old hash of what was typed is computed from the recipe and
 * checked against the argon2id; the sign-in then stores a plain argon2id (needsRehash is true for these).
 */
export const WRAPPED_PREFIX = '$custos-legacy$';

export function isWrapped(stored: string): boolean {
  return stored.startsWith(WRAPPED_PREFIX);
}

export function encodeWrapped(recipe: LegacyRecipe, argon2Phc: string): string {
  return `${WRAPPED_PREFIX}${recipe.f}$${Buffer.from(JSON.stringify(recipe)).toString('base64url')}$${argon2Phc}`;
}

export function decodeWrapped(stored: string): { recipe: LegacyRecipe; argon2Phc: string } | null {
  const match = /^\$custos-legacy\$([a-z0-9-]+)\$([A-Za-z0-9_-]+)\$(\$argon2id\$.+)$/.exec(stored);
  if (!match) return null;
  const recipe = JSON.parse(Buffer.from(match[2]!, 'base64url').toString('utf8')) as LegacyRecipe;
  if (recipe.f !== match[1]) return null;
  return { recipe, argon2Phc: match[3]! };
}

/** The old hash of `password`, then argon2id-verified against the wrap. Runs inside the caller's hash slot. */
export async function verifyWrapped(stored: string, password: string): Promise<boolean> {
  const wrapped = decodeWrapped(stored);
  if (!wrapped) return false;
  return verify(wrapped.argon2Phc, await legacyDigest(wrapped.recipe, password));
}
