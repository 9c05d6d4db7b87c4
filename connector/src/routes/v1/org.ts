import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponseSchema } from '../../schemas/common';
import { orgResponseSchema } from '../../schemas/org';

export default async function orgRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '',
    {
      schema: {
        tags: ['org'],
        summary: 'The org the token belongs to; Salesforce calls it to test its Named Credential.',
        security: [{ orgToken: [] }],
        response: { 200: orgResponseSchema, 401: errorResponseSchema },
      },
    },
    async (request) => ({
      salesforceOrgId: request.org.salesforceOrgId,
      name: request.org.name,
      createdAt: request.org.createdAt,
    }),
  );
}
