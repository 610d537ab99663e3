import { Module } from '@nestjs/common';
import { RedisConnections } from './redis-connections';

/** Redis (REDIS_URL), shared by the modules that coordinate instances through it: one set of connections per app. */
@Module({
  providers: [RedisConnections],
  exports: [RedisConnections],
})
export class RedisModule {}
