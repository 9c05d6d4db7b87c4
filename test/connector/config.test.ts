import { ConfigError, loadConfig } from '../../connector/src/config';

/** Looks like a secret, so a test can check that no message repeats it. */
const SECRET_LOOKING = 'sk-test-config-SECRETMARKER-0000';

const VALID_MASTER_KEYS = `v1:${Buffer.alloc(32, 1).toString('base64')},v2:${Buffer.alloc(32, 2).toString('base64')}`;

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/keyroute');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  it('applies the defaults', () => {
    expect(loadConfig({}, '/srv/keyroute')).toEqual({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      dataDir: '/srv/keyroute/.keyroute',
      databaseUrl: undefined,
      masterKeys: undefined,
      activeMasterKey: undefined,
      openAiBaseUrl: 'https://api.openai.com/v1',
      providerCheckTimeoutMs: 15_000,
      flowConcurrency: 32,
      maxActiveRuns: 16,
      maxActiveInferences: 256,
      queueWaitMs: 20_000,
      bodyTimeoutMs: 30_000,
      bodyLimitBytes: 8 * 1024 * 1024,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        HOST: '0.0.0.0',
        PORT: '0',
        LOG_LEVEL: 'trace',
        KEYROUTE_DATA_DIR: '/var/lib/keyroute',
        DATABASE_URL: 'postgresql://keyroute@127.0.0.1:5432/keyroute',
        KEYROUTE_MASTER_KEYS: VALID_MASTER_KEYS,
        KEYROUTE_ACTIVE_MASTER_KEY: 'v1',
        OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1/',
        KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS: '1000',
        KEYROUTE_FLOW_CONCURRENCY: '200',
        KEYROUTE_MAX_ACTIVE_RUNS: '1000',
        KEYROUTE_MAX_ACTIVE_INFERENCES: '10000',
        KEYROUTE_QUEUE_WAIT_MS: '0',
        KEYROUTE_BODY_TIMEOUT_MS: '120000',
        KEYROUTE_BODY_LIMIT_BYTES: '1024',
      },
      '/srv/keyroute',
    );

    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      logLevel: 'trace',
      dataDir: '/var/lib/keyroute',
      databaseUrl: 'postgresql://keyroute@127.0.0.1:5432/keyroute',
      masterKeys: VALID_MASTER_KEYS,
      activeMasterKey: 'v1',
      openAiBaseUrl: 'http://127.0.0.1:9999/v1',
      providerCheckTimeoutMs: 1000,
      flowConcurrency: 200,
      maxActiveRuns: 1000,
      maxActiveInferences: 10_000,
      queueWaitMs: 0,
      bodyTimeoutMs: 120_000,
      bodyLimitBytes: 1024,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '', DATABASE_URL: '' }, '/srv/keyroute')).toMatchObject({
      port: 8080,
      logLevel: 'info',
      databaseUrl: undefined,
    });
  });

  const badValues: Array<[string, string, string]> = [
    ['PORT', 'eighty', 'PORT: expected a whole number from 0 to 65535'],
    ['PORT', '65536', 'PORT: expected a whole number from 0 to 65535'],
    ['PORT', '80.5', 'PORT: expected a whole number from 0 to 65535'],
    ['PORT', '-1', 'PORT: expected a whole number from 0 to 65535'],
    ['PORT', '   ', 'PORT: expected a whole number from 0 to 65535'],
    ['PORT', '0x50', 'PORT: expected a whole number from 0 to 65535'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent'],
    ['LOG_LEVEL', 'INFO', 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent'],
    [
      'DATABASE_URL',
      'mysql://keyroute@127.0.0.1/keyroute',
      'DATABASE_URL: expected a postgres:// or postgresql:// connection URL',
    ],
    [
      'KEYROUTE_MASTER_KEYS',
      'not-a-key-list',
      'KEYROUTE_MASTER_KEYS: expected comma-separated VERSION:BASE64 pairs such as v1:<32 random bytes in standard base64>',
    ],
    ['KEYROUTE_ACTIVE_MASTER_KEY', 'latest', 'KEYROUTE_ACTIVE_MASTER_KEY: expected a version such as v2'],
    [
      'OPENAI_BASE_URL',
      'ftp://127.0.0.1/v1',
      'OPENAI_BASE_URL: expected an http(s) URL such as https://api.openai.com/v1',
    ],
    ['OPENAI_BASE_URL', 'api.openai.com', 'OPENAI_BASE_URL: expected an http(s) URL such as https://api.openai.com/v1'],
    [
      'KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS',
      '999',
      'KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS: expected a whole number of milliseconds from 1000 to 120000',
    ],
    [
      'KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS',
      '15s',
      'KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS: expected a whole number of milliseconds from 1000 to 120000',
    ],
    ['KEYROUTE_FLOW_CONCURRENCY', '0', 'KEYROUTE_FLOW_CONCURRENCY: expected a whole number from 1 to 200'],
    ['KEYROUTE_FLOW_CONCURRENCY', '201', 'KEYROUTE_FLOW_CONCURRENCY: expected a whole number from 1 to 200'],
    ['KEYROUTE_MAX_ACTIVE_RUNS', '0', 'KEYROUTE_MAX_ACTIVE_RUNS: expected a whole number from 1 to 1000'],
    ['KEYROUTE_MAX_ACTIVE_RUNS', '1001', 'KEYROUTE_MAX_ACTIVE_RUNS: expected a whole number from 1 to 1000'],
    ['KEYROUTE_MAX_ACTIVE_INFERENCES', '0', 'KEYROUTE_MAX_ACTIVE_INFERENCES: expected a whole number from 1 to 10000'],
    ['KEYROUTE_QUEUE_WAIT_MS', '110001', 'KEYROUTE_QUEUE_WAIT_MS: expected a whole number of milliseconds from 0 to 110000'],
    ['KEYROUTE_QUEUE_WAIT_MS', '20s', 'KEYROUTE_QUEUE_WAIT_MS: expected a whole number of milliseconds from 0 to 110000'],
    ['KEYROUTE_BODY_TIMEOUT_MS', '999', 'KEYROUTE_BODY_TIMEOUT_MS: expected a whole number of milliseconds from 1000 to 120000'],
    [
      'KEYROUTE_BODY_LIMIT_BYTES',
      '1023',
      'KEYROUTE_BODY_LIMIT_BYTES: expected a whole number of bytes from 1024 to 104857600',
    ],
    [
      'KEYROUTE_BODY_LIMIT_BYTES',
      '16mb',
      'KEYROUTE_BODY_LIMIT_BYTES: expected a whole number of bytes from 1024 to 104857600',
    ],
  ];

  it.each(badValues)('rejects %s=%j', (name, value, problem) => {
    // An active version is valid only together with master keys.
    const masterKeys: Record<string, string> =
      name === 'KEYROUTE_ACTIVE_MASTER_KEY' ? { KEYROUTE_MASTER_KEYS: VALID_MASTER_KEYS } : {};

    const error = configError({ ...masterKeys, [name]: value });

    expect(error.problems).toEqual([problem]);
    expect(error.message).toBe(`Invalid configuration:\n  - ${problem}`);
  });

  it('rejects an active master key without master keys', () => {
    const error = configError({ KEYROUTE_ACTIVE_MASTER_KEY: 'v2' });

    expect(error.problems).toEqual([
      'KEYROUTE_ACTIVE_MASTER_KEY: set only together with KEYROUTE_MASTER_KEYS; the master key file in KEYROUTE_DATA_DIR chooses its own active version',
    ]);
  });

  it('lists every bad variable at once', () => {
    const error = configError({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      KEYROUTE_FLOW_CONCURRENCY: '0',
      KEYROUTE_ACTIVE_MASTER_KEY: 'v2',
    });

    expect(error.problems).toEqual([
      'PORT: expected a whole number from 0 to 65535',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent',
      'KEYROUTE_FLOW_CONCURRENCY: expected a whole number from 1 to 200',
      'KEYROUTE_ACTIVE_MASTER_KEY: set only together with KEYROUTE_MASTER_KEYS; the master key file in KEYROUTE_DATA_DIR chooses its own active version',
    ]);
    expect(error.message.split('\n')).toHaveLength(5);
  });

  it.each([
    'PORT',
    'LOG_LEVEL',
    'DATABASE_URL',
    'KEYROUTE_MASTER_KEYS',
    'KEYROUTE_ACTIVE_MASTER_KEY',
    'OPENAI_BASE_URL',
    'KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS',
    'KEYROUTE_FLOW_CONCURRENCY',
    'KEYROUTE_MAX_ACTIVE_RUNS',
    'KEYROUTE_MAX_ACTIVE_INFERENCES',
    'KEYROUTE_QUEUE_WAIT_MS',
    'KEYROUTE_BODY_TIMEOUT_MS',
    'KEYROUTE_BODY_LIMIT_BYTES',
  ])('never repeats the value of %s', (name) => {
    const error = configError({
      [name]: SECRET_LOOKING,
      KEYROUTE_MASTER_KEYS: name === 'KEYROUTE_MASTER_KEYS' ? SECRET_LOOKING : 'v1:!',
    });

    expect(error.message).toContain(`${name}: expected`);
    expect(error.message).not.toContain('SECRETMARKER');
    expect(error.message).not.toContain('v1:!');
  });

  it('never repeats a database password', () => {
    const error = configError({ DATABASE_URL: 'mysql://keyroute:SECRETMARKER@db.example.com/keyroute' });

    expect(error.message).not.toContain('SECRETMARKER');
  });
});
