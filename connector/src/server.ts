import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createServices } from './services';
import { CONNECTOR_VERSION } from './version';

/**
 * Starts the connector: validates the configuration, opens the store (applying
 * migrations), loads the master keys and listens. SIGTERM and SIGINT drain in-flight
 * requests before the store is closed.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`keyroute connector: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const services = await createServices(config);
  const app = await buildApp({ config, services });
  for (const line of services.startupNotes) {
    app.log.info(line);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining requests');
    await app.close();
    await services.close();
    app.log.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  const url = await app.listen({ host: config.host, port: config.port });
  app.log.info(
    { version: CONNECTOR_VERSION, url, store: services.storeDescription, openAiBaseUrl: config.openAiBaseUrl },
    'keyroute connector ready',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`keyroute connector failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
