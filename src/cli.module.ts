import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ThrottlerModule } from '@nestjs/throttler';
import { CommonModule } from './common/common.module';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { DatabaseModule } from './database/database.module';
import { UsersModule } from './users/users.module';

/**
 * What the operator CLI needs of the app: configuration, the migrated database, and user
 * accounts (with what they use: media, the audit log). No HTTP.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(config.databaseUrl, { migrate: true, poolSize: 2, applicationName: 'wxmall-cli' }),
        CommonModule.forRoot(config),
        EventEmitterModule.forRoot(),
        // Nothing is rate limited without HTTP, but the upload routes' guard (media) is built
        // with the modules and needs a counter store: this process's memory, never Redis.
        ThrottlerModule.forRoot(),
        UsersModule,
      ],
    };
  }
}
