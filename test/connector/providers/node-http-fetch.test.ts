import { createNodeHttpFetch } from '../../../connector/src/providers/node-http-fetch';
import { STAND_IN_KEY, startOpenAiStandIn, type OpenAiStandIn } from '../../openai-stand-in/index.ts';

let standIn: OpenAiStandIn;
const nodeHttpFetch = createNodeHttpFetch();
const auth = { authorization: `Bearer ${STAND_IN_KEY}` };

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ models: ['gpt-4o-mini'] });
});

afterEach(() => {
  standIn.reset();
});

afterAll(async () => {
  await standIn?.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the promise resolved');
}

describe('createNodeHttpFetch', () => {
  it('returns status, headers and body', async () => {
    const response = await nodeHttpFetch(`${standIn.baseUrl}/models`, { headers: auth });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({ object: 'list', data: [{ id: 'gpt-4o-mini' }] });
  });

  it('sends method, headers and body', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });

    const response = await nodeHttpFetch(new URL(`${standIn.baseUrl}/chat/completions`), {
      method: 'POST',
      headers: new Headers({ ...auth, 'content-type': 'application/json' }),
      body,
    });

    expect(response.status).toBe(200);
    const [recorded] = standIn.recordedRequests();
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions', apiKey: STAND_IN_KEY, body: JSON.parse(body) });
  });

  it('returns error statuses as responses', async () => {
    const response = await nodeHttpFetch(`${standIn.baseUrl}/models`, { headers: { authorization: 'Bearer sk-test-unknown-0000' } });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('asks to keep connections alive', async () => {
    for (let index = 0; index < 2; index += 1) {
      const response = await nodeHttpFetch(`${standIn.baseUrl}/models`, { headers: auth });
      await response.arrayBuffer();
    }

    expect(standIn.recordedRequests().map((recorded) => recorded.headers['connection'])).toEqual(['keep-alive', 'keep-alive']);
  });

  it('rejects with the reason when aborted while the body stalls', async () => {
    standIn.enqueueScenarios({ name: 'stalled_body', delayMs: 5_000 });

    const error = await rejection(nodeHttpFetch(`${standIn.baseUrl}/models`, { headers: auth, signal: AbortSignal.timeout(200) }));

    expect(error.name).toBe('TimeoutError');
  });

  it('rejects with the reason when aborted before the headers', async () => {
    standIn.enqueueScenarios({ name: 'slow_headers', delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const error = await rejection(nodeHttpFetch(`${standIn.baseUrl}/models`, { headers: auth, signal: controller.signal }));

    expect(error.name).toBe('AbortError');
  });

  it('rejects at once with an aborted signal', async () => {
    const error = await rejection(nodeHttpFetch(`${standIn.baseUrl}/models`, { headers: auth, signal: AbortSignal.abort() }));

    expect(error.name).toBe('AbortError');
    expect(standIn.stats().requests).toBe(0);
  });

  it('rejects a connection reset', async () => {
    standIn.enqueueScenarios('connection_reset');

    const error = await rejection(nodeHttpFetch(`${standIn.baseUrl}/models`, { headers: auth }));

    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
  });

  it('rejects unsupported input', async () => {
    await expect(nodeHttpFetch(new Request(`${standIn.baseUrl}/models`))).rejects.toThrow(
      'This fetch accepts a URL string or URL object, not a Request.',
    );
    await expect(nodeHttpFetch('ftp://127.0.0.1/v1/models')).rejects.toThrow('Unsupported protocol ftp: in ftp://127.0.0.1: expected http: or https:.');
    await expect(nodeHttpFetch(`${standIn.baseUrl}/models`, { method: 'POST', body: new URLSearchParams('a=1') })).rejects.toThrow(
      'This fetch sends only string or byte bodies.',
    );
  });
});
