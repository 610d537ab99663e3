import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { CommonModule } from './common/common.module';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { DatabaseModule } from './database/database.module';
import { UsersModule } from './users/users.module';

/** What the operator CLI needs of the app: configuration, the migrated database, and user accounts. No HTTP. */
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
        UsersModule,
      ],
    };
  }
}
