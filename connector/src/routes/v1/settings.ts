import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema } from '../../schemas/common';
import { aiSettingsSchema, saveAiSettingsRequestSchema } from '../../schemas/settings';

/** The org's AI settings: whether the AI Inference node is on, with which provider and default model. */
export default async function settingsRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ orgToken: [] }];

  routes.get(
    '/ai',
    { schema: { tags: ['settings'], security, response: { 200: aiSettingsSchema, 401: errorResponseSchema } } },
    async (request) => app.services.aiSettings.get(request.org),
  );

  routes.put(
    '/ai',
    {
      schema: {
        tags: ['settings'],
        summary: 'Saves the AI settings; enabling needs a connected provider.',
        security,
        body: saveAiSettingsRequestSchema,
        response: { 200: aiSettingsSchema, 400: errorResponseSchema, 401: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => app.services.aiSettings.save(request.org, request.body),
  );
}
