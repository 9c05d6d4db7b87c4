import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { ConnectorConfig } from './config';
import { loggerOptions, OneLinePerRequestLog } from './logging';
import errorHandlerPlugin from './plugins/error-handler';
import jsonBodyPlugin from './plugins/json-body';
import openApiPlugin from './plugins/openapi';
import healthRoutes from './routes/health';
import v1Routes from './routes/v1';
import type { ConnectorServices } from './services';
import { CONNECTOR_VERSION } from './version';

declare module 'fastify' {
  interface FastifyInstance {
    services: ConnectorServices;
  }
}

export interface BuildAppOptions {
  config: Pick<ConnectorConfig, 'logLevel' | 'bodyLimitBytes' | 'queueWaitMs' | 'bodyTimeoutMs'>;
  services: ConnectorServices;
  /** Receives the JSON log lines instead of standard output, for tests that read the logs. */
  logStream?: { write(line: string): void };
}

/**
 * Body limit of every route but the two that take records (KEYROUTE_BODY_LIMIT_BYTES). Flow
 * definitions, keys and settings are far smaller, and a low limit keeps large bodies sent
 * to other routes, even unknown ones, from filling the memory.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;


/** A request id from the caller is kept when it looks like one, so logs can be joined across systems. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Builds the connector's HTTP application. The caller owns the services (database,
 * vault, providers) and closes them after the app.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.config.logLevel, options.logStream),
    logController: new OneLinePerRequestLog(),
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    // Bounds how long any request may take to arrive. Node checks this every 30 s. The
    // admission hook closes an admitted run's stalled upload sooner (KEYROUTE_BODY_TIMEOUT_MS).
    requestTimeout: options.config.queueWaitMs + options.config.bodyTimeoutMs,
    // false makes fastify call genReqId for every request, so a caller's header is
    // checked before it reaches logs and responses.
    requestIdHeader: false,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('services', options.services);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // External plugins first, then the app's own.
  await app.register(helmet, { global: true });
  await app.register(errorHandlerPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(openApiPlugin, { version: CONNECTOR_VERSION });

  await app.register(healthRoutes);
  await app.register(v1Routes, {
    prefix: '/v1',
    recordBodyLimitBytes: options.config.bodyLimitBytes,
    bodyTimeoutMs: options.config.bodyTimeoutMs,
  });

  return app;
}
