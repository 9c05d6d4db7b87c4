import type { ConnectorConfig } from './config';

/**
 * Turns an error raised while opening the store or the port into a sentence that names
 * the setting to check. Node's own messages ("EACCES", "ECONNREFUSED") name a path or an
 * address but not the variable an operator has to change.
 */
export function describeStartupError(error: unknown, config: ConnectorConfig): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';

  if (config.databaseUrl !== undefined && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '3D000', '28000'].includes(code)) {
    return `DATABASE_URL: could not connect to PostgreSQL (${code}: ${message}). Check the host, port, database name and credentials.`;
  }
  if (config.databaseUrl !== undefined && code === '3F000') {
    return `DATABASE_URL: the schema in search_path does not exist (${message}). Create it or fix the options parameter.`;
  }
  if (['EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOTDIR'].includes(code)) {
    return `KEYROUTE_DATA_DIR: cannot use ${config.dataDir} (${code}: ${message}). It must be a directory the connector can create and write.`;
  }
  if (code === 'EADDRINUSE') {
    return `PORT: ${config.port} is already in use on ${config.host}. Stop the other process or choose another port.`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `HOST: cannot listen on ${config.host} (${code}). Use an address of this machine, such as 127.0.0.1 or 0.0.0.0.`;
  }
  return message;
}
