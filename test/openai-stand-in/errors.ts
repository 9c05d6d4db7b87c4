/**
 * The error replies of the stand-in, shaped like OpenAI's: a JSON body
 * `{"error": {"message", "type", "param", "code"}}` with all four keys present.
 * Status, `type`, `code` and `param` match what OpenAI returns, so a client can branch on
 * them. The message texts are close to OpenAI's but not identical, so clients must not
 * depend on them.
 */

/** A reply before the common headers are added. */
export interface StandInReply {
  status: number;
  body: unknown;
  /** Headers specific to this reply, such as `retry-after`. */
  headers?: Record<string, string>;
}

export function errorReply(
  status: number,
  type: string,
  message: string,
  param: string | null,
  code: string | null,
  headers?: Record<string, string>,
): StandInReply {
  return { status, body: { error: { message, type, param, code } }, headers };
}

/**
 * Masks a key the way OpenAI quotes it in a 401 message: the first eight characters, one
 * asterisk per hidden character and the last four. Keys of twelve characters or fewer are
 * masked entirely.
 */
export function maskApiKey(apiKey: string): string {
  if (apiKey.length <= 12) {
    return '*'.repeat(apiKey.length);
  }

  return apiKey.slice(0, 8) + '*'.repeat(apiKey.length - 12) + apiKey.slice(-4);
}

export function missingApiKey(): StandInReply {
  return errorReply(
    401,
    'invalid_request_error',
    "You didn't provide an API key. Send it in the Authorization header as a bearer token (Authorization: Bearer YOUR_KEY).",
    null,
    null,
  );
}

export function invalidApiKey(apiKey: string): StandInReply {
  return errorReply(
    401,
    'invalid_request_error',
    `Incorrect API key provided: ${maskApiKey(apiKey)}. Find your API keys at https://platform.openai.com/account/api-keys.`,
    null,
    'invalid_api_key',
  );
}

export function mismatchedOrganization(): StandInReply {
  return errorReply(
    401,
    'invalid_request_error',
    'The OpenAI-Organization header does not match the organization of this API key.',
    null,
    'mismatched_organization',
  );
}

export function permissionDenied(): StandInReply {
  return errorReply(
    403,
    'invalid_request_error',
    'You have insufficient permissions for this operation. Missing scopes: model.request. Check the role of this key in its organization and project.',
    null,
    null,
  );
}

export function modelNotFound(model: string): StandInReply {
  return errorReply(
    404,
    'invalid_request_error',
    `The model \`${model}\` does not exist or you do not have access to it.`,
    null,
    'model_not_found',
  );
}

export function insufficientQuota(): StandInReply {
  return errorReply(
    429,
    'insufficient_quota',
    'You exceeded your current quota. Check your plan and billing details.',
    null,
    'insufficient_quota',
  );
}

/** Builds a 429 rate_limit_exceeded. `kind` is the limit that was hit, which OpenAI reports in `type`. */
export function rateLimitExceeded(
  kind: 'requests' | 'tokens',
  model: string,
  detail: string,
  headers: Record<string, string>,
): StandInReply {
  const limitName = kind === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  const message = `Rate limit reached for ${model} in organization org-stand-in on ${limitName}: ${detail}`;
  return errorReply(429, kind, message, null, 'rate_limit_exceeded', headers);
}

const SERVER_ERROR_MESSAGES: Record<number, string> = {
  500: 'The server had an error while processing your request.',
  502: 'Bad gateway.',
  503: 'The server is overloaded or not ready yet.',
  504: 'Gateway timeout.',
};

export function serverError(status: number, headers?: Record<string, string>): StandInReply {
  const message = SERVER_ERROR_MESSAGES[status] ?? 'The server had an error while processing your request.';
  return errorReply(status, 'server_error', message, null, null, headers);
}

export function invalidUrl(method: string, path: string): StandInReply {
  return errorReply(404, 'invalid_request_error', `Invalid URL (${method} ${path})`, null, null);
}

export function unparsableJsonBody(): StandInReply {
  return errorReply(
    400,
    'invalid_request_error',
    'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.',
    null,
    null,
  );
}

export function missingParameter(param: string): StandInReply {
  return errorReply(
    400,
    'invalid_request_error',
    `Missing required parameter: '${param}'.`,
    param,
    'missing_required_parameter',
  );
}

export function invalidParameter(param: string, message: string, code: string): StandInReply {
  return errorReply(400, 'invalid_request_error', message, param, code);
}
