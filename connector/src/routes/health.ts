import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const healthSchema = z.object({ status: z.literal('ok') });
const readinessSchema = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.string()) });

/**
 * Liveness and readiness for load balancers and orchestrators. Neither needs a token.
 * Readiness checks the database, without which no `/v1` request can succeed.
 */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/healthz', { schema: { tags: ['health'], response: { 200: healthSchema } } }, async () => ({ status: 'ok' as const }));

  routes.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: readinessSchema, 503: readinessSchema } } },
    async (request, reply) => {
      try {
        await app.services.database.query('SELECT 1 AS ok');
        return { status: 'ready' as const, checks: { database: 'ok' } };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed: database unreachable');
        return reply.code(503).send({ status: 'not_ready' as const, checks: { database: 'unreachable' } });
      }
    },
  );
}
