import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema } from '../../schemas/common';
import {
  authorizeRequestSchema,
  disableRequestSchema,
  modelListResponseSchema,
  providerListResponseSchema,
  providerParamsSchema,
  providerStatusSchema,
} from '../../schemas/providers';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema };
const providerCallErrors = { ...errors, 409: errorResponseSchema, 422: errorResponseSchema, 502: errorResponseSchema, 504: errorResponseSchema };

/** The org's provider credentials: status, authorize, disable, re-check and the models a key can use. */
export default async function providerRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const credentials = app.services.credentials;
  const security = [{ orgToken: [] }];

  routes.get(
    '',
    { schema: { tags: ['providers'], summary: 'Every supported provider with its credential status.', security, response: { 200: providerListResponseSchema, ...errors } } },
    async (request) => ({ providers: await credentials.listStatuses(request.org) }),
  );

  routes.get(
    '/:provider',
    { schema: { tags: ['providers'], summary: 'One provider\'s credential status.', security, params: providerParamsSchema, response: { 200: providerStatusSchema, ...errors } } },
    async (request) => credentials.getStatus(request.org, request.params.provider),
  );

  routes.post(
    '/:provider/authorize',
    {
      schema: {
        tags: ['providers'],
        summary: 'Checks the pasted key live with the provider and stores it encrypted if it works.',
        security,
        params: providerParamsSchema,
        body: authorizeRequestSchema,
        response: { 200: providerStatusSchema, ...providerCallErrors },
      },
    },
    async (request) => credentials.authorize(request.org, request.params.provider, request.body.apiKey, request.body.actor),
  );

  routes.post(
    '/:provider/disable',
    {
      schema: {
        tags: ['providers'],
        summary: 'Destroys the stored key; the audit trail keeps the event.',
        security,
        params: providerParamsSchema,
        body: disableRequestSchema,
        response: { 200: providerStatusSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => credentials.disable(request.org, request.params.provider, request.body.actor),
  );

  routes.post(
    '/:provider/check',
    {
      schema: {
        tags: ['providers'],
        summary: 'Checks the stored key with the provider now and records the result.',
        security,
        params: providerParamsSchema,
        response: { 200: providerStatusSchema, ...providerCallErrors },
      },
    },
    async (request) => credentials.check(request.org, request.params.provider),
  );

  routes.get(
    '/:provider/models',
    {
      schema: {
        tags: ['providers'],
        summary: 'The models the stored key can use, for the AI Inference node editor.',
        security,
        params: providerParamsSchema,
        response: { 200: modelListResponseSchema, ...providerCallErrors },
      },
    },
    async (request) => ({
      provider: request.params.provider,
      models: await credentials.listModels(request.org, request.params.provider),
    }),
  );
}
