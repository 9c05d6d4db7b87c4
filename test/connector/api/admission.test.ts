import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { addNewOrg, body, enableAiWithDefaultModel, EXAMPLE_FLOW_KEYWORDS, expectError, leadId, loadExampleFlow } from './support';

const COMPLAINT = { Description: 'You charged me twice and I want a refund.', LeadSource: 'Web' };
/** Builds the expected 503 message, whose byte budget depends on the test process's heap limit. */
function busyMessage(work: string, maxActiveBytes: number): string {
  return (
    `The connector is busy: it works on at most 1 ${work} and ${(maxActiveBytes / 1_048_576).toFixed(1)} MB of requests at once. ` +
    'Nothing was run; send the request again in 5 seconds.'
  );
}

const INFERENCE_CONFIG = {
  prompt: 'Classify the inquiry in {!Record.Description}.',
  outputs: [{ name: 'intent', type: 'picklist', values: ['complaint', 'question', 'request', 'other'] }],
};

function runBody(firstLead: number, count = 3): { definition: unknown; records: unknown[] } {
  const records = Array.from({ length: count }, (_, index) => ({ id: leadId(firstLead + index), fields: COMPLAINT }));
  return { definition: loadExampleFlow(), records };
}

function chatCompletions(connector: TestConnector): number {
  return connector.standIn.stats().byPath['POST /v1/chat/completions']?.requests ?? 0;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 10) {
    if (condition()) return;
    await sleep(10);
  }
  throw new Error(`Timed out waiting until ${what}.`);
}

describe('admission of flow runs and inferences (sqlite)', () => {
  describe('with waiting turned off', () => {
    let connector: TestConnector;
    let token: string;

    beforeAll(async () => {
      connector = await startTestConnector('sqlite', {
        standIn: { enumKeywords: EXAMPLE_FLOW_KEYWORDS, responseDelayMs: 200 },
        env: { KEYROUTE_MAX_ACTIVE_RUNS: '1', KEYROUTE_MAX_ACTIVE_INFERENCES: '1', KEYROUTE_QUEUE_WAIT_MS: '0', KEYROUTE_BODY_LIMIT_BYTES: '65536' },
      });
      ({ token } = await addNewOrg(connector));
      await enableAiWithDefaultModel(connector, token);
    });

    afterAll(async () => {
      await connector.close();
    });

    it('rejects a run beyond the limit', async () => {
      const first = connector.call(token, 'POST', '/v1/flows/run', runBody(1));
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the first run is active');

      const second = await connector.call(token, 'POST', '/v1/flows/run', runBody(11));

      expectError(second, 503, 'connector_busy', busyMessage('flow run', connector.services.runAdmission.load().maxActiveBytes));
      expect(second.headers['retry-after']).toBe('5');
      expect((await first).statusCode).toBe(200);
      expect(chatCompletions(connector)).toBe(3);
      const rejections = connector.logs.filter((line) => line.includes('"reason":"queue_full"') && line.includes('flow run rejected'));
      expect(rejections).toHaveLength(1);
      // The admission hook logs the rejection once; the error handler does not repeat it.
      expect(connector.logs.filter((line) => line.includes('"level":40') && line.includes('connector is busy'))).toEqual([]);
      expect(connector.services.runAdmission.load()).toMatchObject({ activeRuns: 0, activeBytes: 0, waitingRuns: 0 });
    });

    it('rejects an inference beyond the limit', async () => {
      const inference = (n: number) =>
        connector.call(token, 'POST', '/v1/inference', { config: INFERENCE_CONFIG, record: { id: leadId(n), fields: COMPLAINT } });
      connector.standIn.reset();
      const first = inference(81);
      await until(() => connector.services.inferenceAdmission.load().activeRuns === 1, 'the first inference is active');

      const second = await inference(82);

      expectError(second, 503, 'connector_busy', busyMessage('inference', connector.services.inferenceAdmission.load().maxActiveBytes));
      expect(second.headers['retry-after']).toBe('5');
      expect(body(await first).inference.outcome).toBe('ok');
      expect(chatCompletions(connector)).toBe(1);
      expect(connector.logs.some((line) => line.includes('inference rejected') && line.includes('KEYROUTE_MAX_ACTIVE_INFERENCES'))).toBe(true);
    });

    it('serves other routes while runs are full', async () => {
      const run = connector.call(token, 'POST', '/v1/flows/run', runBody(21));
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the run is active');

      const validation = await connector.call(token, 'POST', '/v1/flows/validate', { definition: loadExampleFlow() });

      expect(validation.statusCode).toBe(200);
      expect((await run).statusCode).toBe(200);
    });

    it('answers an oversized body with 413 at once', async () => {
      const run = connector.call(token, 'POST', '/v1/flows/run', runBody(25));
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the run is active');
      const records = [{ id: leadId(29), fields: { Description: 'x'.repeat(70_000) } }];

      const oversized = await connector.call(token, 'POST', '/v1/flows/run', { definition: loadExampleFlow(), records });

      expect(oversized.statusCode).toBe(413);
      expect(body(oversized).error.code).toBe('body_too_large');
      expect((await run).statusCode).toBe(200);
    });
  });

  describe('with waiting', () => {
    let connector: TestConnector;
    let token: string;

    beforeAll(async () => {
      connector = await startTestConnector('sqlite', {
        standIn: { enumKeywords: EXAMPLE_FLOW_KEYWORDS, responseDelayMs: 150 },
        env: { KEYROUTE_MAX_ACTIVE_RUNS: '1', KEYROUTE_QUEUE_WAIT_MS: '10000', KEYROUTE_FLOW_CONCURRENCY: '1', KEYROUTE_BODY_TIMEOUT_MS: '1000' },
      });
      ({ token } = await addNewOrg(connector));
      await enableAiWithDefaultModel(connector, token);
    });

    afterAll(async () => {
      await connector.close();
    });

    beforeEach(() => {
      connector.standIn.reset();
    });

    it('runs a waiting run afterwards', async () => {
      const finished: string[] = [];
      const first = connector.call(token, 'POST', '/v1/flows/run', runBody(31, 2)).then((response) => (finished.push('first'), response));
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the first run is active');
      const second = connector.call(token, 'POST', '/v1/flows/run', runBody(41, 2)).then((response) => (finished.push('second'), response));
      await until(() => connector.services.runAdmission.load().waitingRuns === 1, 'the second run waits');

      const [firstResponse, secondResponse] = await Promise.all([first, second]);

      expect([firstResponse.statusCode, secondResponse.statusCode]).toEqual([200, 200]);
      expect(finished).toEqual(['first', 'second']);
      expect(body(secondResponse).results.map((result: { status: string }) => result.status)).toEqual(['routed', 'routed']);
      const waited = connector.logs
        .filter((line) => line.includes('"msg":"flow run finished"') && line.includes('"queueWaitMs"'))
        .map((line) => JSON.parse(line) as { queueWaitMs: number });
      expect(waited).toHaveLength(1);
      expect(waited[0]!.queueWaitMs).toBeGreaterThan(100);
    });

    it('reads a waiting body on its turn', async () => {
      let firstDoneAt = 0;
      const first = connector.call(token, 'POST', '/v1/flows/run', runBody(51, 2)).then((response) => {
        firstDoneAt = performance.now();
        return response;
      });
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the first run is active');

      const invalid = await connector.call(token, 'POST', '/v1/flows/run', { definition: loadExampleFlow(), records: [] });
      const invalidDoneAt = performance.now();

      expect(invalid.statusCode).toBe(400);
      expect(body(invalid).error.fields).toEqual([{ field: 'body.records', message: 'expected at least 1 item' }]);
      expect((await first).statusCode).toBe(200);
      expect(invalidDoneAt).toBeGreaterThanOrEqual(firstDoneAt);
    });

    it('drops a disconnected waiting run', async () => {
      await connector.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = connector.app.server.address() as AddressInfo;
      const first = connector.call(token, 'POST', '/v1/flows/run', runBody(61, 2));
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the first run is active');

      const payload = JSON.stringify(runBody(71, 2));
      const abandoned = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/flows/run',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      abandoned.on('error', () => undefined);
      abandoned.end(payload);
      await until(() => connector.services.runAdmission.load().waitingRuns === 1, 'the second run waits');
      abandoned.destroy();
      await until(() => connector.services.runAdmission.load().waitingRuns === 0, 'the abandoned run leaves the queue');

      expect((await first).statusCode).toBe(200);
      await until(() => connector.services.runAdmission.load().activeRuns === 0, 'the first run frees its place');
      expect(chatCompletions(connector)).toBe(2);
      expect(connector.logs.some((line) => line.includes('the caller disconnected while it waited'))).toBe(true);
    });

    it('logs an aborted upload as such', async () => {
      await connector.app.listen({ host: '127.0.0.1', port: 0 }).catch(() => undefined);
      const { port } = connector.app.server.address() as AddressInfo;
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));

      socket.write(
        `POST /v1/flows/run HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"records": [',
      );
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the upload is admitted');
      socket.destroy();
      await until(() => connector.services.runAdmission.load().activeRuns === 0, 'the place is free again');

      await until(() => connector.logs.some((line) => line.includes('the caller disconnected before its request was read')), 'the abort is logged');
      expect(connector.logs.filter((line) => line.includes('database unavailable'))).toEqual([]);
    });

    it('closes a stalled upload', async () => {
      await connector.app.listen({ host: '127.0.0.1', port: 0 }).catch(() => undefined);
      const { port } = connector.app.server.address() as AddressInfo;
      const socket = net.connect(port, '127.0.0.1');
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));

      socket.write(
        `POST /v1/flows/run HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n',
      );
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the upload is admitted');
      await closed;

      await until(() => connector.services.runAdmission.load().activeRuns === 0, 'the place is free again');
      expect(connector.logs.some((line) => line.includes('its body did not arrive within KEYROUTE_BODY_TIMEOUT_MS'))).toBe(true);
    });

    it('rejects waiting requests when stopping', async () => {
      const first = connector.call(token, 'POST', '/v1/flows/run', runBody(91, 2));
      await until(() => connector.services.runAdmission.load().activeRuns === 1, 'the first run is active');
      const waiting = connector.call(token, 'POST', '/v1/flows/run', runBody(95, 2));
      await until(() => connector.services.runAdmission.load().waitingRuns === 1, 'the second run waits');

      connector.services.stopAdmitting();

      expectError(await waiting, 503, 'connector_stopping', 'The connector is stopping. Nothing was run; send the request again in 5 seconds.');
      expect((await first).statusCode).toBe(200);
      const late = await connector.call(token, 'POST', '/v1/inference', { config: INFERENCE_CONFIG, record: { id: leadId(99), fields: COMPLAINT } });
      expect(body(late).error.code).toBe('connector_stopping');
    });
  });
});
