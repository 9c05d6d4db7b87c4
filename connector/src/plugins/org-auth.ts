import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors';
import type { AuthenticatedOrg } from '../services';

declare module 'fastify' {
  interface FastifyRequest {
    /** The org whose token authenticated this request; set on every `/v1` route. */
    org: AuthenticatedOrg;
  }
}

/** The auth scheme is case-insensitive (RFC 9110, section 11.1); the token is not. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/**
 * Authenticates every request of the scope it is registered in by the org's bearer
 * token. A missing and a wrong token get the same kind of 401, which never reveals whether
 * an org exists. Registered inside the `/v1` scope only, so health checks need no token.
 */
async function orgAuthPlugin(app: FastifyInstance): Promise<void> {
  app.decorateRequest('org', undefined as unknown as AuthenticatedOrg);

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const header = request.headers.authorization;
    reply.header('www-authenticate', 'Bearer realm="keyroute"');

    if (header === undefined || header === '') {
      throw new ApiError(401, 'unauthenticated', 'Missing Authorization header. Send "Authorization: Bearer <org token>".');
    }

    const match = BEARER.exec(header);
    if (!match?.[1]) {
      throw new ApiError(401, 'unauthenticated', 'Malformed Authorization header. Send "Authorization: Bearer <org token>".');
    }

    const org = await app.services.orgs.authenticate(match[1]);
    if (!org) {
      throw new ApiError(401, 'unauthenticated', 'The org token is not valid. Check the token in the Keyroute_Connector credential, or ask the connector\'s operator for a new one.');
    }

    reply.removeHeader('www-authenticate');
    request.org = org;
    request.log = request.log.child({ orgId: org.salesforceOrgId });
  });
}

// fastify-plugin lets the hook apply to the scope that registers it (the /v1 routes).
export default fp(orgAuthPlugin, { name: 'org-auth' });
