import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { config as loadDotenv } from 'dotenv';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config/load-config';
import { resolveRuntime } from './runtime';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      // One clear line naming the variable, and a non-zero exit.
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const logger = new Logger('Bootstrap');
  const runtime = await resolveRuntime(config, logger);
  const app = await createApp(runtime.config);

  // Our own signal handling instead of enableShutdownHooks(): Nest re-raises the signal
  // after its hooks (so the exit code would be 143), and the embedded PostgreSQL must stop
  // after the app has finished its in-flight requests and closed its pool.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests`);
    try {
      await app.close();
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
