import http from 'node:http';
import https from 'node:https';

/**
 * Creates a minimal `fetch` for the `openai` client (its `fetch` option) over node:http and
 * node:https with keep-alive agents. It reads the whole body before it resolves, which
 * suits the connector's JSON calls. Per call it costs about half the CPU of Node's built-in
 * fetch (measured against the OpenAI stand-in on loopback, see docs/performance.md).
 * It supports what the client sends for JSON requests: a method, headers, a string or byte
 * body and an abort signal, whose reason it rejects with. Other bodies raise a TypeError.
 */
export function createNodeHttpFetch(): typeof fetch {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  const nodeHttpFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) {
      throw new TypeError('This fetch accepts a URL string or URL object, not a Request.');
    }
    const url = new URL(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`Unsupported protocol ${url.protocol} in ${url.origin}: expected http: or https:.`);
    }
    const secure = url.protocol === 'https:';
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('This fetch sends only string or byte bodies.');
    }

    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const chunks: Buffer[] = [];
    let response: http.IncomingMessage;
    try {
      response = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const request = (secure ? https : http).request(url, {
          method: init.method ?? 'GET',
          headers: toHeaderObject(init.headers),
          agent: secure ? agents.https : agents.http,
          ...(signal === undefined ? {} : { signal }),
        });
        request.once('response', resolve);
        request.once('error', reject);
        request.end(body ?? undefined);
      });
      // Async iteration rejects when the connection is cut or aborted before the body ends.
      for await (const chunk of response) {
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      // As fetch does, an aborted call rejects with the signal's reason.
      if (signal?.aborted) {
        throw signal.reason;
      }
      throw error;
    }

    const headers = new Headers();
    for (let index = 0; index < response.rawHeaders.length; index += 2) {
      headers.append(response.rawHeaders[index]!, response.rawHeaders[index + 1]!);
    }
    const status = response.statusCode ?? 0;
    // A Response must not carry a body for these statuses.
    const bodyless = status === 204 || status === 205 || status === 304 || init.method === 'HEAD';
    return new Response(bodyless ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage ?? '', headers });
  };
  return nodeHttpFetch as typeof fetch;
}

function toHeaderObject(headers: RequestInit['headers']): Record<string, string> {
  return headers === undefined ? {} : Object.fromEntries(new Headers(headers));
}
