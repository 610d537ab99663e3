import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { config as loadDotenv } from 'dotenv';
import { createApp } from './bootstrap';
import { Readiness } from './health/readiness';
import { ConfigError, loadConfig } from './config/load-config';
import { AppLogger } from './logging/app-logger';
import { createRootLogger } from './logging/logging.options';
import { resolveRuntime } from './dev/dev-runtime';
import { closeGracefully } from './http/http-server';

/** After the shutdown grace, this much longer for the pool and the embedded PostgreSQL to stop before the process exits anyway. */
const SHUTDOWN_HARD_DEADLINE_EXTRA_MS = 5_000;

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // One clear line naming the variable, and a non-zero exit.
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  // JSON lines from the first one on: the embedded PostgreSQL and dev-fake warnings come
  // before the app exists. The app writes its request lines to this same pino logger.
  const rootLogger = createRootLogger(config);
  const jsonLogger = new AppLogger(rootLogger);
  Logger.overrideLogger(jsonLogger);
  const logger = new Logger('Bootstrap');
  const runtime = await resolveRuntime(config, logger);
  // Given the logger directly (not buffered until the app is up), a start that fails —
  // a database that stays unreachable — is logged as it happens.
  const app = await createApp(runtime.config, { logger: jsonLogger, rootLogger });

  // Our own signal handling instead of enableShutdownHooks(): Nest re-raises the signal
  // after its hooks (so the exit code would be 143), and the embedded PostgreSQL must stop
  // after the app has finished its in-flight requests and closed its pool.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests`);
    // From now on /api/health/ready answers 503: the load balancer stops sending new requests.
    app.get(Readiness).drain();
    // Whatever happens below, exit before the platform's SIGKILL (docker-compose.yml gives 30 s).
    const graceMs = runtime.config.timeouts.http.shutdownGraceMs;
    setTimeout(() => {
      logger.error(`shutdown not finished ${(graceMs + SHUTDOWN_HARD_DEADLINE_EXTRA_MS) / 1000} s after ${signal}: exiting now`);
      process.exit(1);
    }, graceMs + SHUTDOWN_HARD_DEADLINE_EXTRA_MS).unref();
    try {
      await closeGracefully(app, graceMs, logger);
      await runtime.stop();
      logger.log('shut down cleanly');
      process.exit(0);
    } catch (err) {
      logger.error(`shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: runtime.config.port, host: '0.0.0.0' });
  logger.log(`wxmall-api listening on http://0.0.0.0:${runtime.config.port} (${runtime.config.env})`);
}

main().catch((err: Error) => {
  process.stderr.write(`wxmall-api failed to start: ${err.message}\n`);
  process.exit(1);
});
