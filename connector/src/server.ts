import { getHeapStatistics } from 'node:v8';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { redactUrlCredentials } from './logging';
import { createServices } from './services';
import { describeStartupError } from './startup-errors';
import { CONNECTOR_VERSION } from './version';

/** How long SIGTERM waits for in-flight requests (a flow run can take a while) before closing anyway. */
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Starts the connector: validates the configuration, opens the store (applying
 * migrations), loads the master keys and listens. SIGTERM and SIGINT stop accepting
 * connections and drain in-flight requests for up to 30 seconds before the store closes.
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

  let services;
  try {
    services = await createServices(config);
  } catch (error) {
    process.stderr.write(`keyroute connector failed to start: ${describeStartupError(error, config)}\n`);
    process.exit(1);
  }

  const app = await buildApp({ config, services });
  for (const note of services.startupNotes) {
    app.log.info(note);
  }
  for (const warning of services.startupWarnings) {
    app.log.warn(warning);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal, drainTimeoutMs: DRAIN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
    // Waiting runs and inferences get 503 now, so that their callers send them to another instance.
    // NOTE: requests that arrive during the drain get fastify's own 503 body, not the API's error shape.
    services.stopAdmitting();
    const forceExit = setTimeout(() => {
      app.log.warn({ drainTimeoutMs: DRAIN_TIMEOUT_MS }, 'drain timed out; closing with requests still in flight');
      // Queued inference-log rows are written first, within a few seconds.
      const exit = setTimeout(() => process.exit(1), 5_000);
      exit.unref();
      void services.close().finally(() => process.exit(1));
    }, DRAIN_TIMEOUT_MS);
    forceExit.unref();

    await app.close();
    await services.close();
    app.log.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    const url = await app.listen({ host: config.host, port: config.port });
    app.log.info(
      {
        version: CONNECTOR_VERSION,
        url,
        store: services.storeDescription,
        openAiBaseUrl: redactUrlCredentials(config.openAiBaseUrl),
        heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1_048_576),
        flowRuns: { maxActive: config.maxActiveRuns, maxActiveRequestMb: Math.round(services.runAdmission.load().maxActiveBytes / 1_048_576) },
        inferences: { maxActive: config.maxActiveInferences },
        queueWaitMs: config.queueWaitMs,
      },
      'keyroute connector ready',
    );
  } catch (error) {
    process.stderr.write(`keyroute connector failed to listen: ${describeStartupError(error, config)}\n`);
    await services.close();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`keyroute connector failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
