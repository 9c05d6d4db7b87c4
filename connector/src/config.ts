import path from 'node:path';
import { z } from 'zod';

/**
 * The connector's configuration, read once from environment variables at start-up.
 * A bad value stops the process with one line per bad variable (see loadConfig).
 */

const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Builds the schema of a whole number written in decimal digits only. z.coerce.number()
 * would also accept "  " (as 0), "0x1F" and "1e3", which are more likely mistakes than intent.
 */
function wholeNumber(min: number, max: number, unit = '') {
  const message = `expected a whole number${unit} from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,15}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

// Every schema has its own message, because the HTTP API's global zod messages are not
// loaded when only the configuration is.
const envSchema = z.object({
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]{1,253}$/, 'expected a host name or IP address such as 127.0.0.1, 0.0.0.0 or ::')
    .default('127.0.0.1'),
  PORT: wholeNumber(0, 65_535).default(8080),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  KEYROUTE_DATA_DIR: z.string().min(1).default('.keyroute'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// connection URL')
    .refine((value) => URL.canParse(value), 'expected a valid URL such as postgresql://user:password@host:5432/database')
    .optional(),
  KEYROUTE_MASTER_KEYS: z
    .string()
    .regex(
      /^v\d+:[A-Za-z0-9+/]+=*(,v\d+:[A-Za-z0-9+/]+=*)*$/,
      'expected comma-separated VERSION:BASE64 pairs such as v1:<32 random bytes in standard base64>',
    )
    .optional(),
  KEYROUTE_ACTIVE_MASTER_KEY: z.string().regex(/^v\d+$/, 'expected a version such as v2').optional(),
  OPENAI_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.openai.com/v1' })
    .default(DEFAULT_OPENAI_BASE_URL),
  KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS: wholeNumber(1_000, 120_000, ' of milliseconds').default(15_000),
  KEYROUTE_FLOW_CONCURRENCY: wholeNumber(1, 200).default(32),
  KEYROUTE_MAX_ACTIVE_RUNS: wholeNumber(1, 1_000).default(16),
  KEYROUTE_MAX_ACTIVE_INFERENCES: wholeNumber(1, 10_000).default(256),
  KEYROUTE_QUEUE_WAIT_MS: wholeNumber(0, 110_000, ' of milliseconds').default(20_000),
  KEYROUTE_BODY_TIMEOUT_MS: wholeNumber(1_000, 120_000, ' of milliseconds').default(30_000),
  KEYROUTE_BODY_LIMIT_BYTES: wholeNumber(1_024, 100 * 1024 * 1024, ' of bytes').default(8 * 1024 * 1024),
});

export interface ConnectorConfig {
  host: string;
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Absolute path of the directory that contains the embedded database and master-key file. */
  dataDir: string;
  /** PostgreSQL connection URL; when absent the embedded SQLite database is used. */
  databaseUrl: string | undefined;
  /** `v1:BASE64,v2:BASE64`; when absent, master keys live in a file in dataDir. */
  masterKeys: string | undefined;
  activeMasterKey: string | undefined;
  openAiBaseUrl: string;
  providerCheckTimeoutMs: number;
  flowConcurrency: number;
  /** Flow runs the process works on at once; more wait for their turn. */
  maxActiveRuns: number;
  /** Single inferences (`POST /v1/inference`) the process works on at once; more wait for their turn. */
  maxActiveInferences: number;
  /** How long a flow run or inference may wait for its turn before it is rejected with 503. */
  queueWaitMs: number;
  /** How long an admitted flow run or inference may take to send its body before its connection is closed. */
  bodyTimeoutMs: number;
  bodyLimitBytes: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Reads and validates the configuration. Throws ConfigError listing every bad
 * variable with what was expected; values are never echoed, since some are secrets.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ConnectorConfig {
  // Treat empty variables as unset, as shells and container runtimes often export them empty.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);

  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (present.KEYROUTE_ACTIVE_MASTER_KEY !== undefined && present.KEYROUTE_MASTER_KEYS === undefined) {
    problems.push(
      'KEYROUTE_ACTIVE_MASTER_KEY: set only together with KEYROUTE_MASTER_KEYS; the master key file in KEYROUTE_DATA_DIR chooses its own active version',
    );
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(problems);
  }

  const values = parsed.data;

  return {
    host: values.HOST,
    port: values.PORT,
    logLevel: values.LOG_LEVEL,
    dataDir: path.resolve(cwd, values.KEYROUTE_DATA_DIR),
    databaseUrl: values.DATABASE_URL,
    masterKeys: values.KEYROUTE_MASTER_KEYS,
    activeMasterKey: values.KEYROUTE_ACTIVE_MASTER_KEY,
    openAiBaseUrl: values.OPENAI_BASE_URL.replace(/\/+$/, ''),
    providerCheckTimeoutMs: values.KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS,
    flowConcurrency: values.KEYROUTE_FLOW_CONCURRENCY,
    maxActiveRuns: values.KEYROUTE_MAX_ACTIVE_RUNS,
    maxActiveInferences: values.KEYROUTE_MAX_ACTIVE_INFERENCES,
    queueWaitMs: values.KEYROUTE_QUEUE_WAIT_MS,
    bodyTimeoutMs: values.KEYROUTE_BODY_TIMEOUT_MS,
    bodyLimitBytes: values.KEYROUTE_BODY_LIMIT_BYTES,
  };
}
