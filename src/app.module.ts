import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { JwtAuthGuard } from './common/guards/jwt-auth.guard';
import { RolesGuard } from './common/guards/roles.guard';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { buildDataSourceOptions } from './database/data-source-options';
import { GoodsModule } from './goods/goods.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MediaModule } from './media/media.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { UsersModule } from './users/users.module';
import { WechatModule } from './wechat/wechat.module';

export interface AppModuleOptions {
  /** Where the JSON log lines go (default: stdout). Tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  /** The whole app for a validated configuration whose databaseUrl is resolved. */
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    if (!config.databaseUrl) throw new Error('AppModule.forRoot needs a resolved databaseUrl');
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot(config, options.logDestination),
        RateLimitModule,
        TypeOrmModule.forRoot({ ...buildDataSourceOptions(config.databaseUrl), migrationsRun: true }),
        CommonModule,
        WechatModule,
        UsersModule,
        AuthModule,
        GoodsModule,
        HealthModule,
        MediaModule,
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
