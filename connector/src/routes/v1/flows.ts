import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { runAdmissionHook } from '../../plugins/run-admission';
import { errorResponseSchema } from '../../schemas/common';
import {
  runFlowRequestSchema,
  runFlowResponseSchema,
  validateFlowRequestSchema,
  validateFlowResponseSchema,
} from '../../schemas/flows';

/**
 * Routing flows. Salesforce stores the flow definitions and sends the one to run with
 * each batch, so the connector keeps no copy that could go stale.
 */
export default async function flowRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ orgToken: [] }];
  app.decorateRequest('runPlace', undefined);

  routes.post(
    '/validate',
    {
      schema: {
        tags: ['flows'],
        summary: 'Checks a flow definition and lists every problem with the node it concerns.',
        security,
        body: validateFlowRequestSchema,
        response: { 200: validateFlowResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request) => app.services.routing.validate(request.body.definition),
  );

  routes.post(
    '/run',
    {
      schema: {
        tags: ['flows'],
        summary: 'Runs a flow over up to 200 records and returns each record\'s path, variables and actions.',
        description:
          'A process works on a limited number of runs at once (KEYROUTE_MAX_ACTIVE_RUNS). Further runs wait for their turn, ' +
          'up to KEYROUTE_RUN_WAIT_MS, and then get 503 connector_busy with Retry-After.',
        security,
        body: runFlowRequestSchema,
        response: {
          200: runFlowResponseSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          422: errorResponseSchema,
          503: errorResponseSchema,
        },
      },
      onRequest: runAdmissionHook(app.services.runAdmission),
    },
    async (request) => {
      // The run keeps its place until it stops, even after its caller disconnects.
      const place = request.runPlace;
      place?.retain();
      try {
        return await app.services.routing.run(request.org, request.body, request.log);
      } finally {
        place?.release();
      }
    },
  );
}
