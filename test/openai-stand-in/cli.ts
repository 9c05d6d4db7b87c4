/**
 * Runs the OpenAI stand-in as a process, for the demo and the benchmarks:
 *
 *   node test/openai-stand-in/cli.ts --port 0 --delay-ms 20 --rpm 600
 *
 * Once it listens, it prints one JSON line on stdout:
 * `{"event":"listening","baseUrl":"http://127.0.0.1:PORT/v1","origin":"http://127.0.0.1:PORT","port":PORT}`.
 * It stops on SIGINT or SIGTERM and prints `{"event":"closed"}`.
 */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { startOpenAiStandIn } from './server.ts';
import type { OpenAiStandInOptions, StandInKey } from './types.ts';

const USAGE = `Usage: node test/openai-stand-in/cli.ts [options]

Options:
  --host HOST           interface to listen on (default 127.0.0.1)
  --port PORT           TCP port; 0 picks a free one (default 0)
  --config FILE         JSON file with stand-in options (keys, models, enumKeywords,
                        scenarioRules, ...); the flags below override it
  --key KEY             accepted API key (repeatable; replaces the default keys)
  --no-quota-key KEY    accepted API key whose requests get 429 insufficient_quota (repeatable)
  --model MODEL         served model id (repeatable; replaces the default models)
  --delay-ms MS         fixed delay before every reply, in ms
  --rpm N               requests-per-minute ceiling per key
  --tpm N               tokens-per-minute ceiling per key
  --stall-ms MS         wait of the slow_headers and stalled_body scenarios, in ms
  --help                print this help`;

function parseOptions(argv: string[]): OpenAiStandInOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      config: { type: 'string' },
      key: { type: 'string', multiple: true },
      'no-quota-key': { type: 'string', multiple: true },
      model: { type: 'string', multiple: true },
      'delay-ms': { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'stall-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });

  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }

  const options: OpenAiStandInOptions = values.config ? readConfig(values.config) : {};

  if (values.host !== undefined) options.host = values.host;
  if (values.port !== undefined) options.port = parseNumber('--port', values.port);
  if (values['delay-ms'] !== undefined) options.responseDelayMs = parseNumber('--delay-ms', values['delay-ms']);
  if (values.rpm !== undefined) options.requestsPerMinute = parseNumber('--rpm', values.rpm);
  if (values.tpm !== undefined) options.tokensPerMinute = parseNumber('--tpm', values.tpm);
  if (values['stall-ms'] !== undefined) options.stallMs = parseNumber('--stall-ms', values['stall-ms']);
  if (values.model !== undefined) options.models = values.model;

  if (values.key !== undefined || values['no-quota-key'] !== undefined) {
    const keys: StandInKey[] = (values.key ?? []).map((key) => ({ key }));
    for (const key of values['no-quota-key'] ?? []) {
      keys.push({ key, quota: 'exhausted' });
    }
    options.keys = keys;
  }

  return options;
}

function readConfig(file: string): OpenAiStandInOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read --config ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Invalid --config ${file}: expected a JSON object of stand-in options.`);
  }
  return parsed as OpenAiStandInOptions;
}

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new Error(`Invalid ${flag} ${JSON.stringify(text)}: expected a number >= 0.`);
  }
  return value;
}

async function main(): Promise<void> {
  let options: OpenAiStandInOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }

  const standIn = await startOpenAiStandIn(options);

  // Install the handlers before printing the listening line, because a parent may send a signal as soon as it reads it.
  const stop = (): void => {
    void standIn.close().then(() => {
      console.log(JSON.stringify({ event: 'closed' }));
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  console.log(JSON.stringify({ event: 'listening', baseUrl: standIn.baseUrl, origin: standIn.origin, port: standIn.port }));
}

main().catch((error: unknown) => {
  console.error(`OpenAI stand-in failed to start: ${(error as Error).message}`);
  process.exit(1);
});
