import { FULLY_MASKED_KEY, maskApiKey, MIN_MASKABLE_KEY_LENGTH } from '../../../connector/src/vault/mask';

describe('maskApiKey', () => {
  it.each([
    ['sk-proj-NOTAREALKEYxxxxxxxxxxxxxxxxxxxxx7Qa', 'sk-proj-...x7Qa'],
    ['sk-NOTAREALKEYxxxxxxxxxxxxxxxxxxxxxxxx1234', 'sk-...1234'],
    ['sk-svcacct-NOTAREALKEYxxxxxxxxxxxxxxxxxabcd', 'sk-...abcd'],
    ['sk-ant-api03-NOTAREALKEYxxxxxxxxxxxxxxxWXYZ', 'sk-ant-...WXYZ'],
    ['NOTAREALKEYxxxxxxxxxxxxxxxxxxxxxxx9876', 'NOT...9876'],
  ])('masks %s', (key, masked) => {
    expect(maskApiKey(key)).toBe(masked);
  });

  it('masks a short key fully', () => {
    expect(maskApiKey('sk-short-key')).toBe(FULLY_MASKED_KEY);
    expect(maskApiKey('x'.repeat(MIN_MASKABLE_KEY_LENGTH - 1))).toBe(FULLY_MASKED_KEY);
    expect(maskApiKey('')).toBe(FULLY_MASKED_KEY);
  });

  it('shows at most the last four characters', () => {
    const key = `sk-test-${'abcdefghijklmnopqrstuvwxyz'.repeat(2)}`;
    const masked = maskApiKey(key);

    expect(masked).toBe('sk-test-...wxyz');
    expect(masked.slice(masked.indexOf('...') + 3)).toHaveLength(4);
  });

  it('hides at least twelve characters', () => {
    for (let length = MIN_MASKABLE_KEY_LENGTH; length < MIN_MASKABLE_KEY_LENGTH + 10; length += 1) {
      const key = `sk-proj-${'z'.repeat(length - 8)}`;
      const masked = maskApiKey(key);
      const hidden = key.length - (masked.length - '...'.length);
      expect(hidden).toBeGreaterThanOrEqual(12);
    }
  });
});
