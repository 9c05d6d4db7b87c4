import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema } from '../../schemas/common';
import { auditQuerySchema, auditResponseSchema } from '../../schemas/usage';

/** The org's audit trail, newest first: key authorizations, disables, checks and settings changes. */
export default async function auditRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '',
    {
      schema: {
        tags: ['audit'],
        security: [{ orgToken: [] }],
        querystring: auditQuerySchema,
        response: { 200: auditResponseSchema, 400: errorResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request) => ({ events: await app.services.reports.listAuditEvents(request.org, request.query) }),
  );
}
