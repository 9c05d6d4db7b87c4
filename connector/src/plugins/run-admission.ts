import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors';
import type { RunAdmission, RunPlace } from '../routing/run-admission';

declare module 'fastify' {
  interface FastifyRequest {
    /** The flow run's place among the active runs, set by the admission hook of `POST /v1/flows/run`. */
    runPlace: RunPlace | undefined;
  }
}

/** Seconds a rejected caller waits before it sends the run again. */
const RETRY_AFTER_SECONDS = 5;

/** Returns the run's weight: its declared body size, or the body limit when it declares none. */
function requestBytes(request: FastifyRequest): number {
  const declared = Number(request.headers['content-length']);
  const limit = request.routeOptions.bodyLimit ?? Number.MAX_SAFE_INTEGER;
  return Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, limit) : limit;
}

/**
 * Builds the `onRequest` hook of `POST /v1/flows/run`. It runs after the org token check
 * and before the body is read, so a run that waits for its turn leaves its records in the
 * socket. A rejected run gets 503 `connector_busy` with Retry-After, and none of it has run.
 */
export function runAdmissionHook(admission: RunAdmission): onRequestAsyncHookHandler {
  return async function admitRun(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await admission.admit(requestBytes(request), (cancel) => reply.raw.once('close', cancel));

    if (result.admitted) {
      request.runPlace = result.place;
      // The response keeps the place until it closes: sent, failed or cut off.
      reply.raw.once('close', () => result.place.release());
      if (result.waitedMs > 0) {
        request.log = request.log.child({ runWaitMs: result.waitedMs });
      }
      return;
    }

    if (result.reason === 'caller_gone') {
      // The caller is gone, so fastify must not try to send a response.
      request.log.info({ runWaitMs: result.waitedMs }, 'flow run dropped: the caller disconnected while it waited for a place');
      reply.hijack();
      return;
    }

    const load = admission.load();
    request.log.warn(
      { reason: result.reason, runWaitMs: result.waitedMs, ...load },
      'flow run rejected: every place is taken. Raise KEYROUTE_MAX_ACTIVE_RUNS and the heap limit if memory allows, or add connector instances',
    );
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    const waited = result.reason === 'wait_timeout' ? ` and this run waited ${(result.waitedMs / 1000).toFixed(1)} s for its turn` : '';
    throw new ApiError(
      503,
      'connector_busy',
      `The connector is busy: it works on at most ${load.maxActiveRuns} flow runs at once${waited}. Nothing was run; send the run again in ${RETRY_AFTER_SECONDS} seconds.`,
    );
  };
}
