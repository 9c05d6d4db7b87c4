import type { FastifyInstance } from 'fastify';
import orgAuthPlugin from '../../plugins/org-auth';
import auditRoutes from './audit';
import flowRoutes from './flows';
import inferenceRoutes from './inference';
import orgRoutes from './org';
import providerRoutes from './providers';
import settingsRoutes from './settings';
import usageRoutes from './usage';

export interface V1RoutesOptions {
  /** Body limit of the routes that take records (KEYROUTE_BODY_LIMIT_BYTES). */
  recordBodyLimitBytes: number;
  /** Time an admitted run or inference has to send its body (KEYROUTE_BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
}

/** Everything under `/v1` needs an org token; each route acts on that org's data only. */
export default async function v1Routes(app: FastifyInstance, options: V1RoutesOptions): Promise<void> {
  await app.register(orgAuthPlugin);
  app.decorateRequest('admissionPlace', undefined);

  await app.register(orgRoutes, { prefix: '/org' });
  await app.register(providerRoutes, { prefix: '/providers' });
  await app.register(settingsRoutes, { prefix: '/settings' });
  const recordRoutes = { recordBodyLimitBytes: options.recordBodyLimitBytes, bodyTimeoutMs: options.bodyTimeoutMs };
  await app.register(flowRoutes, { prefix: '/flows', ...recordRoutes });
  await app.register(inferenceRoutes, { prefix: '/inference', ...recordRoutes });
  await app.register(usageRoutes, { prefix: '/usage' });
  await app.register(auditRoutes, { prefix: '/audit-events' });
}
