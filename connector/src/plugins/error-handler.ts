import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ApiError } from '../errors';
import type { ErrorResponse } from '../schemas/common';

/**
 * Turns every failure into the one error shape of the API,
 * `{ error: { code, message, fields?, requestId } }`, with a fitting status.
 * Request validation errors name each invalid field; unexpected errors are logged with
 * their stack and get a generic 500 so that no internal detail leaks.
 */
async function errorHandlerPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const requestId = String(request.id);

    if (hasZodFastifySchemaValidationErrors(error)) {
      const part = error.validationContext ?? 'body';
      const fields = error.validation.map((issue) => ({
        field: describeField(part, issue.instancePath),
        message: issue.message ?? 'invalid value',
      }));
      const message = fields.map((field) => `${field.field}: ${field.message}`).join('; ');
      return reply.code(400).send(errorBody('invalid_request', `Invalid request. ${message}`, requestId, fields));
    }

    if (error instanceof ApiError) {
      if (error.statusCode >= 500 && !error.logged) {
        request.log.warn({ code: error.code, statusCode: error.statusCode }, error.message);
      }
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, requestId, error.fields));
    }

    if (isResponseSerializationError(error)) {
      request.log.error({ issues: error.cause.issues, url: error.url }, 'response did not match its schema');
      return reply.code(500).send(errorBody('internal_error', 'The connector failed to build its response. The details are in its log.', requestId));
    }

    // A caller that disconnects while it sends its body surfaces here as a socket error. The
    // connector is not at fault, and no caller is left to read the response.
    if (request.raw.destroyed || request.raw.socket?.destroyed === true) {
      request.log.info({ errorCode: error.code }, 'the caller disconnected before its request was read');
      return reply.code(400).send(errorBody('request_aborted', 'The caller disconnected before its request was read.', requestId));
    }

    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error, orgId: request.org?.salesforceOrgId }, 'database unavailable');
      reply.header('retry-after', '30');
      return reply
        .code(503)
        .send(errorBody('database_unavailable', 'The connector cannot reach its database right now. Nothing was changed; retry in a minute.', requestId));
    }

    // Errors fastify raises itself before a handler runs (malformed JSON, body too large,
    // wrong content type) carry a 4xx status and a message that is safe to show.
    const statusCode = error.statusCode ?? 500;
    if (statusCode < 500) {
      return reply.code(statusCode).send(errorBody(fastifyCode(error), fastifyMessage(error, request.routeOptions.bodyLimit, app.initialConfig.bodyLimit), requestId));
    }

    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('internal_error', 'The connector hit an internal error. The details are in its log.', requestId));
  });

  const sendNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`, String(request.id)));

  // Requests to unknown routes get their 404 before the body is read, so that bodies sent to them take no memory.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) {
      return sendNotFound(request, reply);
    }
  });

  app.setNotFoundHandler((request, reply) => {
    sendNotFound(request, reply);
  });
}

function errorBody(code: string, message: string, requestId: string, fields?: ErrorResponse['error']['fields']): ErrorResponse {
  return { error: fields ? { code, message, fields, requestId } : { code, message, requestId } };
}

/** `body` + `/records/0/id` -> `body.records[0].id`. */
function describeField(part: string, instancePath: string): string {
  const segments = instancePath.split('/').filter((segment) => segment !== '');
  let field = part;
  for (const segment of segments) {
    field += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  return field;
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

function fastifyCode(error: FastifyError): string {
  return (error.code && FASTIFY_CODES[error.code]) ?? 'invalid_request';
}

/** Fastify's own messages, made to say what the caller should send instead. */
function fastifyMessage(error: FastifyError, routeBodyLimit: number | undefined, defaultBodyLimit: number | undefined): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type: send the body as JSON with "Content-Type: application/json".';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      // Only the routes that take records have their own, configurable limit.
      return routeBodyLimit !== undefined && routeBodyLimit !== defaultBodyLimit
        ? `The request body is larger than the connector accepts (${routeBodyLimit} bytes, set by KEYROUTE_BODY_LIMIT_BYTES). Send fewer records per call.`
        : `The request body is larger than the connector accepts for this route (${defaultBodyLimit ?? 'the limit'} bytes).`;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `The request body is not valid JSON: ${error.message}`;
    default:
      return error.message;
  }
}

/** Error codes of a database that cannot be reached or that went away mid-request. */
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // PostgreSQL admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
]);

function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const code = 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : '';
  return (
    DATABASE_UNAVAILABLE_CODES.has(code) ||
    message.includes('Connection terminated') ||
    message.includes('timeout exceeded when trying to connect') ||
    message.includes('database is locked')
  );
}

export default fp(errorHandlerPlugin, { name: 'error-handler' });
