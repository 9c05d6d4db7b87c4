import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * Generates the OpenAPI document from the routes' zod schemas and serves it at
 * `GET /openapi.json`, so the document cannot disagree with what the routes validate.
 */
async function openApiPlugin(app: FastifyInstance, options: { version: string }): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keyroute connector',
        description:
          'Stores each Salesforce org\'s LLM provider key encrypted, runs AI inference with structured outputs, and runs routing flows over lead and contact records.',
        version: options.version,
      },
      components: {
        securitySchemes: {
          orgToken: { type: 'http', scheme: 'bearer', description: 'The org token printed by `keyroute orgs add`.' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export default fp(openApiPlugin, { name: 'openapi' });
