import type { InferenceErrorCode } from './types';

/** Facts that a message may mention. None of them comes from the record or the key. */
export interface ErrorMessageFacts {
  model: string | null;
  attempts: number;
  timeoutMs: number;
  maxOutputTokens: number;
  /** The HTTP status of the provider's response, when there was one. */
  status?: number;
}

/**
 * Writes the admin-facing message for an inference error. The messages are the connector's
 * own rather than the provider's, so that no provider text (which could quote the request)
 * reaches Salesforce.
 */
export function describeInferenceError(code: InferenceErrorCode, facts: ErrorMessageFacts): string {
  const attempts = facts.attempts === 1 ? '1 attempt' : `${facts.attempts} attempts`;
  const timeLimit = formatSeconds(facts.timeoutMs);

  switch (code) {
    case 'ai_disabled':
      return 'AI inference is turned off in the AI settings of this org.';
    case 'not_authorized':
      return 'No provider key is authorized for this org. Authorize a key in the AI settings.';
    case 'invalid_key':
      return 'The provider rejected the API key. Authorize a valid key in the AI settings.';
    case 'quota':
      return "The provider account of the API key has no credit or quota left. Add credit in the provider's billing settings.";
    case 'rate_limited':
      return `The provider rate-limited the request and no retry fitted within the node's time limit of ${timeLimit} (${attempts}). Try again later or ask the provider for a higher rate limit.`;
    case 'model_unavailable':
      return facts.model === null
        ? 'No model is chosen. Choose a model in the node or a default model in the AI settings.'
        : `The model "${facts.model}" does not exist or the API key may not use it. Choose another model in the node or in the AI settings.`;
    case 'truncated':
      return `The model's response was cut off at the node's limit of ${facts.maxOutputTokens} output tokens. Raise the limit or ask for shorter outputs.`;
    case 'refused':
      return 'The model refused to answer for this record.';
    case 'invalid_output':
      return "The model's response does not match the node's outputs.";
    case 'provider_unavailable':
      return `The provider could not be reached or returned a server error (${attempts}). Try again later.`;
    case 'timeout':
      return `No complete response arrived within the node's time limit of ${timeLimit} (${attempts}). Raise the time limit or ask for shorter outputs.`;
    case 'bad_request':
      return `The provider rejected the request as invalid${facts.status === undefined ? '' : ` (HTTP ${facts.status})`}. Check the node's model and outputs.`;
  }
}

/** Formats milliseconds as seconds for messages: 30000 -> "30 s", 1500 -> "1.5 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
