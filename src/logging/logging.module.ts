import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { buildLoggerParams } from './logging.options';

/**
 * JSON logs through nestjs-pino. bootstrap.ts routes Nest's own `Logger` (which the app
 * code uses) through it, so every line is JSON with the request id of the request it
 * belongs to.
 *
 * nestjs-pino keeps one pino-http instance per process, built by the first app: a second
 * app in the same process (only tests do that) logs with the first one's settings.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    return { module: LoggingModule, imports: [LoggerModule.forRoot(buildLoggerParams(config, destination))] };
  }
}
