import { OpenAiAdapter } from '../../../connector/src/providers/openai';
import { PROVIDER_IDS } from '../../../connector/src/providers/provider';
import { createProvider, PROVIDER_REGISTRY, providerDisplayName } from '../../../connector/src/providers/registry';

describe('provider registry', () => {
  test('has an entry for every provider id', () => {
    expect(Object.keys(PROVIDER_REGISTRY).sort()).toEqual([...PROVIDER_IDS].sort());
    for (const id of PROVIDER_IDS) {
      expect(PROVIDER_REGISTRY[id].id).toBe(id);
    }
  });

  test('names OpenAI for display', () => {
    expect(providerDisplayName('openai')).toBe('OpenAI');
  });

  test('creates the OpenAI adapter with the configured base URL', () => {
    const adapter = createProvider('openai', { baseUrl: 'http://127.0.0.1:9/v1' });

    expect(adapter).toBeInstanceOf(OpenAiAdapter);
    expect(adapter.id).toBe('openai');
    expect(adapter.displayName).toBe('OpenAI');
  });

  test('passes a bad base URL on to the adapter check', () => {
    expect(() => createProvider('openai', { baseUrl: 'api.openai.com' })).toThrow(
      'Invalid OpenAI base URL "api.openai.com": expected an http(s) URL such as https://api.openai.com/v1.',
    );
  });
});
