import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { RedisConnections } from '../redis/redis-connections';
import { PrincipalCache } from './principal-cache';

/** REDIS_KEY_PREFIX + this: where instances tell each other what to forget. */
export const PRINCIPAL_FORGET_CHANNEL = 'principals:forget';

/** One message: forget a session (logout, refresh-token reuse) or every session of a user (disabled, erased, role changed). */
export interface PrincipalForgetMessage {
  /** The publishing instance (RedisConnections.instanceId): it ignores its own messages. */
  from: string;
  session?: string;
  user?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Revocation on every instance at once. Whatever revokes access (sessions: logout and reuse;
 * the users seam: disabled, erased, role changed) calls this after the change is committed:
 * it forgets the cached principals here and, with Redis, publishes what to forget, and every
 * other instance forgets it as the message arrives (well within 1 s). A message from another
 * instance is acted on locally only, never published again.
 *
 * Nothing waits on Redis: the publish is not awaited, and while Redis is down it is skipped at
 * once (RedisConnections' breaker). Then, and for any message lost, the principal cache's own
 * lifetime (4 s) bounds how long another instance still lets a revoked token through.
 */
@Injectable()
export class PrincipalBroadcast implements OnModuleInit {
  private readonly logger = new Logger('PrincipalBroadcast');

  constructor(
    private readonly principals: PrincipalCache,
    private readonly redis: RedisConnections,
  ) {}

  onModuleInit(): void {
    if (this.redis.enabled) this.redis.subscribe(PRINCIPAL_FORGET_CHANNEL, (message) => this.received(message));
  }

  forgetSession(sessionId: string): void {
    this.principals.forgetSession(sessionId);
    this.publish({ from: this.redis.instanceId, session: sessionId });
  }

  forgetUser(userId: string): void {
    this.principals.forgetUser(userId);
    this.publish({ from: this.redis.instanceId, user: userId });
  }

  private publish(message: PrincipalForgetMessage): void {
    if (!this.redis.enabled) return;
    // RedisConnections logs the failure that opens its breaker; nothing more to say here.
    this.redis.publish(PRINCIPAL_FORGET_CHANNEL, JSON.stringify(message)).catch(() => undefined);
  }

  private received(raw: string): void {
    let message: PrincipalForgetMessage;
    try {
      message = JSON.parse(raw) as PrincipalForgetMessage;
    } catch {
      this.logger.warn('ignored a message on the revocation channel that is not JSON');
      return;
    }
    if (message?.from === this.redis.instanceId) return;
    if (typeof message?.session === 'string' && UUID.test(message.session)) this.principals.forgetSession(message.session);
    else if (typeof message?.user === 'string' && UUID.test(message.user)) this.principals.forgetUser(message.user);
    else this.logger.warn('ignored a message on the revocation channel that names no session or user');
  }
}
