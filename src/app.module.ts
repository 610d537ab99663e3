import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { DtoValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { DatabaseModule } from './database/database.module';
import { GoodsModule } from './goods/goods.module';
import { HealthModule } from './health/health.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { MediaModule } from './media/media.module';
import { UsersModule } from './users/users.module';
import { WechatModule } from './wechat/wechat.module';

export interface AppModuleOptions {
  /** The app's clock (default: the system clock). Tests pass one they can move forward. */
  clock?: Clock;
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
        CommonModule.forRoot(config, options.clock),
        EventEmitterModule.forRoot(),
        RateLimitModule,
        DatabaseModule.forRoot(config.databaseUrl, { migrate: config.migrationsRun }),
        WechatModule,
        UsersModule,
        AuthModule,
        GoodsModule,
        HealthModule,
        AuditModule,
        MediaModule,
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new DtoValidationPipe(),
        },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
