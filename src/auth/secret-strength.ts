/** Fewest bits of estimated entropy a JWT secret may have: the strength of a 128-bit key. */
export const MIN_SECRET_ENTROPY_BITS = 128;

/**
 * Estimates a secret's entropy as its length times the Shannon entropy of its characters (bits per character,
 * from their frequencies in the secret itself). It is a floor for random strings and zero for repetition:
 * 32 × "a" scores 0 bits, `openssl rand -base64 32` about 200, `openssl rand -hex 32` about 240. It cannot
 * see that an English sentence is guessable, so it refuses the careless secret, not the clever attacker.
 */
export function estimatedEntropyBits(secret: string): number {
  const characters = [...secret];
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    bitsPerCharacter -= p * Math.log2(p);
  }
  return bitsPerCharacter * characters.length;
}
