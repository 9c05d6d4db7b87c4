import type { FastifyServerOptions } from 'fastify';
import type { ConnectorConfig } from './config';

/**
 * Paths that pino replaces with "[redacted]" wherever they appear in a log object. The
 * connector never logs request bodies or headers on purpose; these paths are the second
 * line of defence if a future log call passes one.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'masterKey',
  '*.masterKey',
  'body',
  '*.body',
];

/** Structured JSON logs with request ids; secrets redacted. */
export function loggerOptions(
  level: ConnectorConfig['logLevel'],
  stream?: { write(line: string): void },
): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(stream === undefined ? {} : { stream }),
  };
}

/** Returns the URL with any user name and password replaced, for logs: proxies may carry credentials. */
export function redactUrlCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') {
      return url;
    }
    parsed.username = '[redacted]';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return '[unparsable URL]';
  }
}
