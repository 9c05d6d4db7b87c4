/**
 * The processes under test: the OpenAI stand-in, the built connector with a registered org
 * and an authorized key, and Portkey's gateway. Every one listens on loopback (Portkey's
 * gateway on all interfaces, since it offers no host option) and is stopped by its pid.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runNodeScript, startNodeProcess, type StartedProcess } from '../../scripts/demo/processes.ts';
import { ROOT } from './paths.ts';

/** The stand-in's default accepted key (test/openai-stand-in/types.ts): obviously fake. */
export const STAND_IN_KEY = 'sk-test-stand-in-valid-key-0000';

/**
 * The Node flags of the connector's production start command (README, "Running the
 * connector", and `npm start`); test/bench checks that they agree. They cap V8's heap: by
 * default V8 sizes it from the machine's memory and lets garbage grow to hundreds of MB.
 */
export const PRODUCTION_NODE_OPTIONS = ['--max-old-space-size=64', '--max-semi-space-size=2'];
export const MODEL = 'gpt-4o-mini';
const ACTOR = { userId: '005000000000001', name: 'Benchmark Admin' };

/**
 * Returns whether the child has ended, by exit code or by signal. The demo's `stop()` checks
 * only the exit code, so it would wait forever for a process that a signal ended, such as
 * a connector that aborted when its heap ran out.
 */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopStarted(started: StartedProcess): Promise<void> {
  if (!hasExited(started.child)) {
    await started.stop();
  }
}

export interface StandInProcess {
  process: StartedProcess;
  stop(): Promise<void>;
  baseUrl: string;
  origin: string;
  stats(): Promise<StandInStats>;
  /** The bodies of the last chat completion requests it received, oldest first. */
  recordedChatBodies(): Promise<Record<string, unknown>[]>;
  /** Resolves once no request is in flight at the stand-in. */
  waitIdle(timeoutMs?: number): Promise<void>;
}

export interface StandInStats {
  requests: number;
  byStatus: Record<string, number>;
  byPath: Record<string, { requests: number; byStatus: Record<string, number> }>;
  rateLimitRejections: { requests: number; tokens: number };
  inFlight: number;
  maxInFlight: number;
}

export async function startStandIn(options: { delayMs: number; rpm?: number; logDir: string; name: string }): Promise<StandInProcess> {
  const args = [
    join(ROOT, 'test', 'openai-stand-in', 'cli.ts'),
    '--port',
    '0',
    '--delay-ms',
    String(options.delayMs),
    // The demo's keyword rules make the outputs, and so the flow's branches, vary by record.
    '--config',
    join(ROOT, 'scripts', 'demo', 'stand-in-rules.json'),
  ];
  if (options.rpm !== undefined) {
    args.push('--rpm', String(options.rpm));
  }
  const process = await startNodeProcess({
    name: `OpenAI stand-in (${options.name})`,
    args,
    env: { PATH: globalThis.process.env.PATH ?? '' },
    logPath: join(options.logDir, `stand-in-${options.name}.log`),
    isReady: (line) => line.event === 'listening',
  });
  const origin = String(process.readyLine.origin);

  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${origin}${path}`);
    if (!response.ok) {
      throw new Error(`GET ${origin}${path} failed with ${response.status}`);
    }
    return (await response.json()) as T;
  };

  return {
    process,
    stop: () => stopStarted(process),
    baseUrl: String(process.readyLine.baseUrl),
    origin,
    stats: () => getJson<StandInStats>('/_stand-in/stats'),
    recordedChatBodies: async () => {
      const recorded = await getJson<Array<{ method: string; path: string; body: unknown }>>('/_stand-in/requests');
      return recorded.filter((entry) => entry.method === 'POST' && entry.path === '/v1/chat/completions').map((entry) => entry.body as Record<string, unknown>);
    },
    waitIdle: async (timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      let idleChecks = 0;
      // Two idle readings 50 ms apart: a gateway may still be between two upstream calls.
      while (idleChecks < 2) {
        if (Date.now() > deadline) {
          throw new Error(`The stand-in still had requests in flight after ${timeoutMs / 1000} s.`);
        }
        const stats = await getJson<StandInStats>('/_stand-in/stats');
        idleChecks = stats.inFlight === 0 ? idleChecks + 1 : 0;
        await sleep(50);
      }
    },
  };
}

export interface ConnectorProcess {
  process: StartedProcess;
  stop(): Promise<void>;
  pid: number;
  url: string;
  client: ConnectorClient;
  logPath: string;
}

/**
 * Starts the built connector on a fresh embedded store, registers an org with the CLI,
 * authorizes the stand-in key over HTTP and enables the AI Inference node, as the demo does.
 */
export async function startConnector(options: {
  openAiBaseUrl: string;
  logDir: string;
  name: string;
  extraNodeArgs?: string[];
  /** LOG_LEVEL of the connector; default info, as in production. */
  logLevel?: string;
  /** The built connector to start; default connector/dist of this repository. */
  distDir?: string;
  /** More environment variables of the connector, such as KEYROUTE_MAX_PROVIDER_CALLS. */
  extraEnv?: Record<string, string>;
}): Promise<ConnectorProcess> {
  const distDir = options.distDir ?? join(ROOT, 'connector', 'dist');
  const dataDir = join(options.logDir, `connector-data-${options.name}`);
  rmSync(dataDir, { recursive: true, force: true });
  const env = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: options.logLevel ?? 'info',
    KEYROUTE_DATA_DIR: dataDir,
    OPENAI_BASE_URL: options.openAiBaseUrl,
    ...options.extraEnv,
  };
  const logPath = join(options.logDir, `connector-${options.name}.log`);
  const started = await startNodeProcess({
    name: `Keyroute connector (${options.name})`,
    args: [...(options.extraNodeArgs ?? []), join(distDir, 'server.js')],
    env,
    logPath,
    isReady: (line) => line.msg === 'keyroute connector ready',
  });
  stopParsingOutput(started.child, logPath);

  const registration = JSON.parse(
    await runNodeScript(
      [join(distDir, 'cli.js'), 'orgs', 'add', '--salesforce-org-id', '00D000000000001', '--name', 'Benchmark org', '--json'],
      env,
    ),
  ) as { token: string };
  const client = new ConnectorClient(String(started.readyLine.url), registration.token);
  await client.send('POST', '/v1/providers/openai/authorize', { apiKey: STAND_IN_KEY, actor: ACTOR });
  await client.send('PUT', '/v1/settings/ai', { aiInferenceEnabled: true, provider: 'openai', defaultModel: MODEL, actor: ACTOR });

  return { process: started, stop: () => stopStarted(started), pid: started.child.pid!, url: String(started.readyLine.url), client, logPath };
}

/**
 * The demo's process helper parses every output line as JSON for as long as the process
 * runs. Under load the connector logs thousands of lines a second, and parsing them would
 * take CPU from the load generator in this process, so after start-up the output goes to
 * the log file unparsed.
 */
function stopParsingOutput(child: ChildProcess, logPath: string): void {
  child.stdout?.removeAllListeners('data');
  child.stdout?.pipe(createWriteStream(logPath, { flags: 'a' }));
}

/** Calls the connector with the org token, as the Salesforce Named Credential does. */
export class ConnectorClient {
  readonly baseUrl: string;
  readonly token: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' };
  }

  async send<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: body === undefined ? { authorization: `Bearer ${this.token}` } : this.headers(),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json()) as T & { error?: { code: string; message: string } };
    if (!response.ok) {
      throw new Error(`${method} ${path} failed with ${response.status} ${payload.error?.code}: ${payload.error?.message}`);
    }
    return payload;
  }
}

export interface GatewayProcess {
  child: ChildProcess;
  /** The Node process of the gateway (under strace, strace's child). */
  pid: number;
  url: string;
  logPath: string;
  stop(): Promise<void>;
}

export const PORTKEY_ENTRY = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

/**
 * Starts Portkey's open-source gateway (`--port=N`, `--headless` to skip its log UI) with
 * only PATH in its environment, so no proxy, Redis or cloud setting reaches it. With
 * `straceLog`, it runs under `strace -f` recording every connect and send with an address.
 */
export async function startPortkey(options: { logDir: string; name: string; straceLog?: string }): Promise<GatewayProcess> {
  const port = await findFreePort();
  const logPath = join(options.logDir, `portkey-${options.name}.log`);
  const logFd = openSync(logPath, 'a');
  const gatewayArgs = [PORTKEY_ENTRY, `--port=${port}`, '--headless'];
  const env = { PATH: process.env.PATH ?? '' };

  const child =
    options.straceLog === undefined
      ? spawn(process.execPath, gatewayArgs, { env, stdio: ['ignore', logFd, logFd] })
      : spawn('strace', ['-f', '-qq', '-e', 'trace=connect,sendto,sendmsg', '-o', options.straceLog, process.execPath, ...gatewayArgs], {
          env,
          stdio: ['ignore', logFd, logFd],
        });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (hasExited(child)) {
      throw new Error(`Portkey's gateway exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${logPath}`);
    }
    try {
      const response = await fetch(`${url}/`);
      if (response.ok) {
        await response.text();
        break;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`Portkey's gateway did not respond on ${url} within 30 s; see ${logPath}`);
    }
    await sleep(100);
  }

  const pid = options.straceLog === undefined ? child.pid! : tracedChildPid(child.pid!);
  return {
    child,
    pid,
    url,
    logPath,
    stop: () =>
      new Promise<void>((resolve) => {
        if (hasExited(child)) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        // Under strace, ending the traced process ends strace; a signal to strace would only detach it.
        process.kill(pid, 'SIGTERM');
      }),
  };
}

/** Reads the pid of the process that strace started from the kernel's list of its children. */
function tracedChildPid(stracePid: number): number {
  const children = readdirSync(`/proc/${stracePid}/task`)
    .flatMap((thread) => readFileSync(`/proc/${stracePid}/task/${thread}/children`, 'utf8').trim().split(/\s+/))
    .filter((text) => text !== '')
    .map(Number);
  if (children.length !== 1 || !Number.isInteger(children[0])) {
    throw new Error(`Expected one process under strace ${stracePid}, found ${children.length}.`);
  }
  return children[0]!;
}

async function findFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
