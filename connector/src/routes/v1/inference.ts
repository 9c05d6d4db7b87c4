import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema } from '../../schemas/common';
import { inferenceRequestSchema, inferenceResponseSchema } from '../../schemas/flows';

/** One AI Inference node on one record, for Salesforce Flow's invocable action. */
export default async function inferenceRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '',
    {
      schema: {
        tags: ['inference'],
        summary: 'Runs one AI Inference node configuration on one record.',
        security: [{ orgToken: [] }],
        body: inferenceRequestSchema,
        response: { 200: inferenceResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request) => app.services.routing.infer(request.org, request.body, request.log),
  );
}
