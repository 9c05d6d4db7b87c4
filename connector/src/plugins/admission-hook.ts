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
  /** Time an admitted request has to send its body; then its connection is closed and its place freed. */
  bodyTimeoutMs: number;
}

/**
 * Returns the request's weight: its declared body size, or the body limit when it declares
 * none (a chunked body), which makes such a request run alone. Null for a body declared
 * larger than the limit, which fastify rejects with 413 without reading it.
 */
function requestBytes(request: FastifyRequest): number | null {
  const limit = request.routeOptions.bodyLimit ?? Number.MAX_SAFE_INTEGER;
  const header = request.headers['content-length'];
  if (header === undefined) return limit;
  const declared = Number(header);
  if (!Number.isSafeInteger(declared) || declared < 0) return limit;
  return declared > limit ? null : declared;
}

/**
 * Builds the `onRequest` hook of a route whose requests hold memory while they call the
 * provider (`POST /v1/flows/run`, `POST /v1/inference`). It runs after the org token check
 * and before the body is read, so a request that waits for its turn leaves its body in the
 * socket. A rejected request gets 503 `connector_busy` with Retry-After, and none of it has run.
 */
export function admissionHook(admission: RunAdmission, work: AdmittedWork): onRequestAsyncHookHandler {
  return async function admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const bytes = requestBytes(request);
    if (bytes === null) return;
    const result = await admission.admit(bytes, (cancel) => reply.raw.once('close', cancel));

    if (result.admitted) {
      request.admissionPlace = result.place;

      // A stalled upload must not keep its place, and the other requests waiting, for long.
      const uploadTimer = setTimeout(() => {
        if (request.raw.complete) return;
        request.log.warn(
          { bodyTimeoutMs: work.bodyTimeoutMs },
          `${work.noun} closed: its body did not arrive within KEYROUTE_BODY_TIMEOUT_MS of its turn`,
        );
        request.raw.socket?.destroy();
      }, work.bodyTimeoutMs);
      uploadTimer.unref();

      // The response keeps the place until it closes: sent, failed or cut off.
      reply.raw.once('close', () => {
        clearTimeout(uploadTimer);
        if (!reply.raw.writableFinished) {
          request.log.warn(`the caller disconnected before the ${work.noun} response was sent; the result is lost and the caller may send the request again`);
        }
        result.place.release();
      });
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

    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (result.reason === 'stopping') {
      request.log.info({ queueWaitMs: result.waitedMs }, `${work.noun} rejected: the connector is stopping`);
      throw new ApiError(
        503,
        'connector_stopping',
        `The connector is stopping. Nothing was run; send the request again in ${RETRY_AFTER_SECONDS} seconds.`,
        undefined,
        true,
      );
    }

    const load = admission.load();
    request.log.warn(
      { reason: result.reason, queueWaitMs: result.waitedMs, requestBytes: bytes, ...load },
      `${work.noun} rejected: no place within ${work.limitVariable} and the request bytes in progress. ` +
        'Raise the limit and the heap limit if memory allows, or add connector instances',
    );
    const waited = result.reason === 'wait_timeout' ? ` This request waited ${(result.waitedMs / 1000).toFixed(1)} s for its turn.` : '';
    throw new ApiError(
      503,
      'connector_busy',
      `The connector is busy: it works on at most ${load.maxActiveRuns} ${load.maxActiveRuns === 1 ? work.noun : work.plural} ` +
        `and ${formatMegabytes(load.maxActiveBytes)} of requests at once.${waited} Nothing was run; send the request again in ${RETRY_AFTER_SECONDS} seconds.`,
      undefined,
      true,
    );
  };
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/**
 * Runs a route's work inside its admission place, so that the place stays taken until the
 * work stops, even after the caller disconnects.
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
