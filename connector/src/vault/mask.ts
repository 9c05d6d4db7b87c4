/** Keys shorter than this are masked completely, so at least 12 characters always stay hidden. */
export const MIN_MASKABLE_KEY_LENGTH = 24;

/** Replacement for a key too short to show any part of. */
export const FULLY_MASKED_KEY = '****';

/**
 * Masks an API key for display and logs as `prefix...last4`, like `sk-proj-...x7Qa`.
 *
 * The prefix is the key's type marker: everything up to and including the last `-`
 * within the first 8 characters (`sk-proj-`, `sk-`), or the first 3 characters when
 * those 8 contain no `-`. At most the last 4 characters are shown. A key of fewer than
 * MIN_MASKABLE_KEY_LENGTH characters becomes FULLY_MASKED_KEY.
 */
export function maskApiKey(key: string): string {
  if (key.length < MIN_MASKABLE_KEY_LENGTH) {
    return FULLY_MASKED_KEY;
  }
  const lastHyphen = key.slice(0, 8).lastIndexOf('-');
  const prefix = lastHyphen === -1 ? key.slice(0, 3) : key.slice(0, lastHyphen + 1);
  return `${prefix}...${key.slice(-4)}`;
}
