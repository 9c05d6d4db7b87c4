import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema } from '../../schemas/common';
import { usageQuerySchema, usageResponseSchema } from '../../schemas/usage';

/** Token usage of the org's inferences, summed per UTC day and model. */
export default async function usageRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '',
    {
      schema: {
        tags: ['usage'],
        security: [{ orgToken: [] }],
        querystring: usageQuerySchema,
        response: { 200: usageResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request) => app.services.reports.summarizeUsage(request.org, request.query),
  );
}
