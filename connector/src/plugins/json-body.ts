import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors';

/**
 * Objects and arrays one body may contain. A run of 200 records through a flow of 100 nodes
 * has a few thousand; 8 MB of nothing but `{}` has millions, which take more than ten times
 * the body's size in heap once parsed.
 */
export const MAX_JSON_CONTAINERS = 20_000;

/** Values one body may contain, counted by their separators: 200 records of 200 fields are 40,000. */
export const MAX_JSON_VALUES = 100_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;

/** Counts the objects, arrays and value separators of a JSON text outside its strings, stopping past the limits. */
export function measureJsonShape(body: string): { containers: number; separators: number } {
  let containers = 0;
  let separators = 0;
  let inString = false;

  for (let index = 0; index < body.length; index += 1) {
    const code = body.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) {
        index += 1;
      } else if (code === QUOTE) {
        inString = false;
      }
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      containers += 1;
      if (containers > MAX_JSON_CONTAINERS) break;
    } else if (code === COMMA) {
      separators += 1;
      if (separators > MAX_JSON_VALUES) break;
    }
  }
  return { containers, separators };
}

/**
 * Replaces fastify's JSON body parser with one that first checks the body's shape, so that
 * a body of millions of tiny objects or values gets a 400 before it is parsed and fills the
 * heap. The parse itself is fastify's own, with the same handling of `__proto__` and
 * `constructor` keys.
 */
async function jsonBodyPlugin(app: FastifyInstance): Promise<void> {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');

  // As a string, like fastify's own parser: a Buffer per body would live outside the capped heap.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string, done) => {
    const shape = measureJsonShape(body);
    if (shape.containers > MAX_JSON_CONTAINERS || shape.separators >= MAX_JSON_VALUES) {
      const message = `expected at most ${MAX_JSON_CONTAINERS} objects and arrays and ${MAX_JSON_VALUES} values in one body; send fewer records per call`;
      done(new ApiError(400, 'invalid_request', `Invalid request. body: ${message}`, [{ field: 'body', message }]), undefined);
      return;
    }
    parseJson(request, body, done);
  });
}

export default fp(jsonBodyPlugin, { name: 'json-body' });
