import { ApiError } from '../errors';
import type { ProviderId } from '../providers/provider';

/** Shortest and longest key accepted before asking the provider; OpenAI's keys are 40 to about 200 characters. */
const MIN_KEY_LENGTH = 20;
const MAX_KEY_LENGTH = 512;

const KEY_PREFIXES: Record<ProviderId, { prefix: string; example: string }> = {
  openai: { prefix: 'sk-', example: 'sk-proj-...' },
};

/**
 * Returns the pasted key with surrounding whitespace removed, or throws a 400 ApiError
 * naming `apiKey` when the key cannot be one: empty, too short or long, whitespace or
 * control characters inside it, characters outside printable ASCII, or the wrong prefix.
 * The error never repeats the key.
 */
export function normalizePastedKey(provider: ProviderId, pasted: string): string {
  const key = pasted.trim();

  if (key === '') {
    throw invalidKey('the key is empty. Paste the key you created in your provider account.');
  }
  if (/[\s]/.test(key)) {
    throw invalidKey('the key contains whitespace (a space, tab or line break). Paste the key exactly as the provider shows it, in one piece.');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw invalidKey('the key contains a control character. Paste the key again, exactly as the provider shows it.');
  }
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw invalidKey('the key contains characters that API keys never have (only printable ASCII is allowed). Paste the key again.');
  }
  if (key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH) {
    throw invalidKey(`expected between ${MIN_KEY_LENGTH} and ${MAX_KEY_LENGTH} characters, got ${key.length}. Check that you copied the whole key.`);
  }

  const { prefix, example } = KEY_PREFIXES[provider];
  if (!key.startsWith(prefix)) {
    throw invalidKey(`expected a key that starts with "${prefix}" (like ${example}).`);
  }

  return key;
}

function invalidKey(detail: string): ApiError {
  const message = `apiKey: ${detail}`;
  return new ApiError(400, 'key_invalid_format', message, [{ field: 'apiKey', message: detail }]);
}
