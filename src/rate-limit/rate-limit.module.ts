import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import { CLOCK, Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { RedisModule } from '../redis/redis.module';
import { AuthRateLimitGuard, LoginThrottler } from './auth-rate-limit.guard';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** The rate limit counters' storage (a RedisThrottlerStorage with REDIS_URL), injectable so tests can look at its breaker. */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** Where the counters live: this process's memory, or Redis when REDIS_URL is set (shared by every instance). */
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [RedisConnections, CLOCK],
      useFactory: (redis: RedisConnections, clock: Clock): ThrottlerStorage =>
        redis.enabled ? new RedisThrottlerStorage(redis, clock) : new MemoryThrottlerStorage(clock),
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
class RateLimitStorageModule {}

/** The login rate limits: `@AuthRateLimit()` routes, AUTH_RATE_LIMIT a minute per client address. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [APP_CONFIG, RATE_LIMIT_STORAGE],
      useFactory: (config: AppConfig, storage: ThrottlerStorage) => ({
        // Named `default` so the 429 carries a plain `Retry-After` header.
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.authRateLimit }],
        storage,
        errorMessage: 'Too many login attempts from this address; retry after the time in Retry-After',
      }),
    }),
  ],
  providers: [LoginThrottler, { provide: APP_GUARD, useClass: AuthRateLimitGuard }],
})
export class RateLimitModule {}
