import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { admissionHook, withAdmissionPlace } from '../../plugins/admission-hook';
import { errorResponseSchema } from '../../schemas/common';
import { inferenceRequestSchema, inferenceResponseSchema } from '../../schemas/flows';

/** One AI Inference node on one record, for Salesforce Flow's invocable action. */
export default async function inferenceRoutes(app: FastifyInstance, options: { recordBodyLimitBytes: number; bodyTimeoutMs: number }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '',
    {
      schema: {
        tags: ['inference'],
        summary: 'Runs one AI Inference node configuration on one record.',
        description:
          'A process works on a limited number of inferences at once (KEYROUTE_MAX_ACTIVE_INFERENCES). Further requests wait for ' +
          'their turn, up to KEYROUTE_QUEUE_WAIT_MS, and then get 503 connector_busy with Retry-After.',
        security: [{ orgToken: [] }],
        body: inferenceRequestSchema,
        response: { 200: inferenceResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema, 503: errorResponseSchema },
      },
      bodyLimit: options.recordBodyLimitBytes,
      onRequest: admissionHook(app.services.inferenceAdmission, {
        noun: 'inference',
        plural: 'inferences',
        limitVariable: 'KEYROUTE_MAX_ACTIVE_INFERENCES',
        bodyTimeoutMs: options.bodyTimeoutMs,
      }),
    },
    async (request) => withAdmissionPlace(request, () => app.services.routing.infer(request.org, request.body, request.log)),
  );
}
