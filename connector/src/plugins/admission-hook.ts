import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors';
import type { RunAdmission, RunPlace } from '../routing/run-admission';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's place among the active flow runs or inferences, set by the admission hook. */
    admissionPlace: RunPlace | undefined;
  }
}

/** Seconds a rejected caller waits before it sends the request again. */
const RETRY_AFTER_SECONDS = 5;

/** The kind of work a route admits, for logs and messages. */
export interface AdmittedWork {
  /** Singular and plural, such as "flow run" and "flow runs". */
  noun: string;
  plural: string;
  /** The setting that limits it, named in the operator's log line. */
  limitVariable: string;
}

/** Returns the request's weight: its declared body size, or the body limit when it declares none. */
function requestBytes(request: FastifyRequest): number {
  const declared = Number(request.headers['content-length']);
  const limit = request.routeOptions.bodyLimit ?? Number.MAX_SAFE_INTEGER;
  return Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, limit) : limit;
}

/**
 * Builds the `onRequest` hook of a route whose requests hold memory while they call the
 * provider (`POST /v1/flows/run`, `POST /v1/inference`). It runs after the org token check
 * and before the body is read, so a request that waits for its turn leaves its body in the
 * socket. A rejected request gets 503 `connector_busy` with Retry-After, and none of it has run.
 */
export function admissionHook(admission: RunAdmission, work: AdmittedWork): onRequestAsyncHookHandler {
  return async function admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await admission.admit(requestBytes(request), (cancel) => reply.raw.once('close', cancel));

    if (result.admitted) {
      request.admissionPlace = result.place;
      // The response keeps the place until it closes: sent, failed or cut off.
      reply.raw.once('close', () => result.place.release());
      if (result.waitedMs > 0) {
        request.log = request.log.child({ queueWaitMs: result.waitedMs });
      }
      return;
    }

    if (result.reason === 'caller_gone') {
      // The caller is gone, so fastify must not try to send a response.
      request.log.info({ queueWaitMs: result.waitedMs }, `${work.noun} dropped: the caller disconnected while it waited for a place`);
      reply.hijack();
      return;
    }

    const load = admission.load();
    request.log.warn(
      { reason: result.reason, queueWaitMs: result.waitedMs, ...load },
      `${work.noun} rejected: every place is taken. Raise ${work.limitVariable} and the heap limit if memory allows, or add connector instances`,
    );
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    const waited = result.reason === 'wait_timeout' ? ` and this request waited ${(result.waitedMs / 1000).toFixed(1)} s for its turn` : '';
    throw new ApiError(
      503,
      'connector_busy',
      `The connector is busy: it works on at most ${load.maxActiveRuns} ${load.maxActiveRuns === 1 ? work.noun : work.plural} at once${waited}. ` +
        `Nothing was run; send the request again in ${RETRY_AFTER_SECONDS} seconds.`,
    );
  };
}

/**
 * Runs a route's work while it holds its admission place, so that the place stays taken
 * until the work stops, even after the caller disconnects.
 * NOTE: work whose caller has disconnected runs to its end, provider calls included.
 */
export async function withAdmissionPlace<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const place = request.admissionPlace;
  place?.retain();
  try {
    return await work();
  } finally {
    place?.release();
  }
}
