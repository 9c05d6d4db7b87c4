import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { admissionHook, withAdmissionPlace } from '../../plugins/admission-hook';
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
export default async function flowRoutes(app: FastifyInstance, options: { recordBodyLimitBytes: number; bodyTimeoutMs: number }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ orgToken: [] }];

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
          'up to KEYROUTE_QUEUE_WAIT_MS, and then get 503 connector_busy with Retry-After.',
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
      bodyLimit: options.recordBodyLimitBytes,
      onRequest: admissionHook(app.services.runAdmission, {
        noun: 'flow run',
        plural: 'flow runs',
        limitVariable: 'KEYROUTE_MAX_ACTIVE_RUNS',
        bodyTimeoutMs: options.bodyTimeoutMs,
      }),
    },
    async (request) => withAdmissionPlace(request, () => app.services.routing.run(request.org, request.body, request.log)),
  );
}
