import { loadConfig } from '../../connector/src/config';
import { redactUrlCredentials } from '../../connector/src/logging';
import { describeStartupError } from '../../connector/src/startup-errors';

const config = loadConfig({ KEYROUTE_DATA_DIR: '/srv/keyroute', PORT: '8080' }, '/');
const postgresConfig = loadConfig({ KEYROUTE_DATA_DIR: '/srv/keyroute', DATABASE_URL: 'postgresql://keyroute@db.internal:5432/keyroute' }, '/');

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeStartupError', () => {
  it('names DATABASE_URL for a refused connection', () => {
    expect(describeStartupError(systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'), postgresConfig)).toBe(
      'DATABASE_URL: could not connect to PostgreSQL (ECONNREFUSED: connect ECONNREFUSED 10.0.0.5:5432). Check the host, port, database name and credentials.',
    );
  });

  it('names DATABASE_URL for a missing schema', () => {
    expect(describeStartupError(systemError('3F000', 'no schema has been selected to create in'), postgresConfig)).toBe(
      'DATABASE_URL: the schema in search_path does not exist (no schema has been selected to create in). Create it or fix the options parameter.',
    );
  });

  it('names KEYROUTE_DATA_DIR for a read-only directory', () => {
    expect(describeStartupError(systemError('EACCES', "EACCES: permission denied, open '/srv/keyroute/keyroute.db'"), config)).toBe(
      "KEYROUTE_DATA_DIR: cannot use /srv/keyroute (EACCES: EACCES: permission denied, open '/srv/keyroute/keyroute.db'). It must be a directory the connector can create and write.",
    );
  });

  it('names PORT when it is taken', () => {
    expect(describeStartupError(systemError('EADDRINUSE', 'listen EADDRINUSE'), config)).toBe(
      'PORT: 8080 is already in use on 127.0.0.1. Stop the other process or choose another port.',
    );
  });

  it('keeps other messages', () => {
    expect(describeStartupError(new Error('Master key file is invalid'), config)).toBe('Master key file is invalid');
  });
});

describe('redactUrlCredentials', () => {
  it('masks a user name and password', () => {
    expect(redactUrlCredentials('http://proxy-user:sk-test-secretpw@127.0.0.1:8443/v1')).toBe('http://%5Bredacted%5D@127.0.0.1:8443/v1');
  });

  it('keeps a URL without credentials', () => {
    expect(redactUrlCredentials('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
  });
});

describe('configuration of the host and database URL', () => {
  it('rejects a blank host', () => {
    expect(() => loadConfig({ HOST: ' ' })).toThrow(
      'HOST: expected a host name or IP address such as 127.0.0.1, 0.0.0.0 or ::',
    );
  });

  it('rejects a database URL that does not parse', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://user:pa ss@host:notaport/db' })).toThrow(
      'DATABASE_URL: expected a valid URL such as postgresql://user:password@host:5432/database',
    );
  });
});
