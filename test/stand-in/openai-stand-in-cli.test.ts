/**
 * The stand-in as a process, the way the demo and the benchmarks start it: Node 24 runs
 * the TypeScript entry directly with its built-in type stripping.
 */

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const CLI_PATH = path.resolve(__dirname, '..', 'openai-stand-in', 'cli.ts');

interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  listening: { event: string; baseUrl: string; origin: string; port: number };
  lines: string[];
}

const running: ChildProcessWithoutNullStreams[] = [];

/** Starts the CLI and resolves with its first stdout line, parsed. */
async function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.push(child);

  const lines: string[] = [];
  const firstLine = new Promise<string>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) {
        resolve(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`The stand-in CLI exited with code ${code} before listening.`)));
  });

  return { child, listening: JSON.parse(await firstLine), lines };
}

/** Runs the CLI to its end and returns its exit code and stderr. */
async function runCliToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

afterEach(() => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
    }
  }
});

describe('stand-in CLI', () => {
  test('serves configured keys and models', async () => {
    const { listening } = await startCli(['--port', '0', '--key', 'sk-test-cli-key-0001', '--no-quota-key', 'sk-test-cli-empty-0002', '--model', 'gpt-cli-model']);

    expect(listening.event).toBe('listening');
    expect(listening.baseUrl).toBe(`http://127.0.0.1:${listening.port}/v1`);
    expect(listening.origin).toBe(`http://127.0.0.1:${listening.port}`);

    const models = await fetch(`${listening.baseUrl}/models`, { headers: { authorization: 'Bearer sk-test-cli-key-0001' } });
    const empty = await fetch(`${listening.baseUrl}/models`, { headers: { authorization: 'Bearer sk-test-cli-empty-0002' } });

    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id)).toEqual(['gpt-cli-model']);
    expect(empty.status).toBe(429);
  }, 20_000);

  test('flags override the config file', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'stand-in-cli-'));
    try {
      const configPath = path.join(folder, 'stand-in.json');
      writeFileSync(configPath, JSON.stringify({ models: ['gpt-config-model'], requestsPerMinute: 100, scenarioRules: [{ inputIncludes: 'OVERLOAD', scenario: 'service_unavailable_503' }] }));
      const { listening } = await startCli(['--config', configPath, '--rpm', '7']);

      const body = JSON.stringify({ model: 'gpt-config-model', messages: [{ role: 'user', content: 'OVERLOAD please' }] });
      const headers = { authorization: 'Bearer sk-test-stand-in-valid-key-0000', 'content-type': 'application/json' };
      const overloaded = await fetch(`${listening.baseUrl}/chat/completions`, { method: 'POST', headers, body });

      expect(overloaded.status).toBe(503);
      expect(overloaded.headers.get('x-ratelimit-limit-requests')).toBe('7');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 20_000);

  test('exposes the control endpoints', async () => {
    const { listening } = await startCli(['--port', '0']);

    await fetch(`${listening.origin}/_stand-in/scenarios`, { method: 'POST', body: JSON.stringify(['server_error_500']) });
    const failed = await fetch(`${listening.baseUrl}/models`, { headers: { authorization: 'Bearer sk-test-stand-in-valid-key-0000' } });
    const stats = (await (await fetch(`${listening.origin}/_stand-in/stats`)).json()) as { requests: number; scenarios: Record<string, number> };

    expect(failed.status).toBe(500);
    expect(stats.requests).toBe(1);
    expect(stats.scenarios).toEqual({ server_error_500: 1 });
  }, 20_000);

  test('stops on SIGTERM', async () => {
    const { child, lines } = await startCli(['--port', '0']);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(lines).toContain('{"event":"closed"}');
  }, 20_000);

  test('rejects an invalid flag value with usage', async () => {
    const { code, stderr } = await runCliToExit(['--delay-ms', 'slow']);

    expect(code).toBe(2);
    expect(stderr).toContain('Invalid --delay-ms "slow": expected a number >= 0.');
    expect(stderr).toContain('Usage: node test/openai-stand-in/cli.ts [options]');
  }, 20_000);

  test('rejects an unknown flag', async () => {
    const { code, stderr } = await runCliToExit(['--colour']);

    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--colour'");
  }, 20_000);
});
