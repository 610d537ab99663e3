import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis, { ReplyError, RedisOptions } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** A TCP connection to Redis not made within this fails, and is tried again in the background. */
export const REDIS_CONNECT_TIMEOUT_MS = 1000;
/** The most the start waits for Redis: a Redis that never answers must not hold it. */
const START_WAIT_MS = 500;

/**
 * Redis cannot be asked right now (no REDIS_URL, not connected, or a command just failed). The
 * caller falls back to what one instance can do on its own, at once.
 */
export class RedisUnavailableError extends Error {
  constructor(reason: string) {
    super(`Redis unavailable: ${reason}`);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * The one place that holds Redis connections (REDIS_URL): a command client and, for pub/sub,
 * a subscriber, each opened on first use. Every key and channel is under REDIS_KEY_PREFIX.
 * Used by the login rate limits (src/rate-limit), the revocation broadcast (src/auth) and the
 * login dedupe (src/wechat).
 *
 * Redis is an accelerator here, never a dependency: a request must not wait on it. So neither
 * connection queues commands while it is not connected (`enableOfflineQueue: false`), and the
 * command client sits behind a circuit breaker: commands are sent only while the connection is
 * ready and no command has failed on it since. A failed or timed-out command opens the breaker
 * and drops the connection; ioredis connects again in the background, and its ready check (an
 * INFO answered) closes the breaker. While it is open, `run` throws RedisUnavailableError at
 * once and the caller does without: only the command that meets the failure waits, at most the
 * command timeout (see docs/deploying.md#redis).
 */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  /** Names this process in what it publishes, so it can ignore its own messages. */
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('Redis');
  private readonly url: string | null;
  private readonly prefix: string;
  private readonly commandTimeoutMs: number;
  private commandClient: Redis | null = null;
  private readonly commandDefinitions = new Map<string, { numberOfKeys: number; lua: string }>();
  private subscriberClient: Redis | null = null;
  private readonly channelHandlers = new Map<string, (message: string) => void>();
  /** The breaker: true while commands go to Redis. */
  private commandsUp = false;
  /** Whether the log says Redis is down (so each change is logged once). */
  private downLogged = false;
  private shuttingDown = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.url = config.redisUrl;
    this.prefix = config.redisKeyPrefix;
    this.commandTimeoutMs = config.timeouts.redis.commandMs;
  }

  /**
   * Gives Redis a moment at start (at most 0.5 s) to become ready, so the first requests after
   * a start use it when it is healthy. A Redis that is not ready by then does not hold the start.
   */
  async onModuleInit(): Promise<void> {
    if (this.enabled) await this.whenAvailable(Math.min(START_WAIT_MS, this.commandTimeoutMs));
  }

  /** A Lua script as a command of the command client (ioredis sends it by its SHA, and in full the first time). */
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void {
    this.commandDefinitions.set(name, definition);
    this.commandClient?.defineCommand(name, definition);
  }

  /** REDIS_URL is set. */
  get enabled(): boolean {
    return this.url !== null;
  }

  /** Commands go to Redis now (the breaker is closed). Opens the command connection on first use. */
  get available(): boolean {
    return this.commands() !== null && this.commandsUp;
  }

  /** REDIS_KEY_PREFIX + name: a channel name (the command client prefixes keys by itself). */
  channel(name: string): string {
    return `${this.prefix}${name}`;
  }

  /**
   * Runs commands on the command client (keys are prefixed by it). Throws RedisUnavailableError
   * at once while the breaker is open, and when a command fails for any reason but Redis's own
   * answer (an error reply, which is the caller's to handle and says nothing about the connection).
   */
  async run<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = this.commands();
    if (!redis) throw new RedisUnavailableError('REDIS_URL is not set');
    if (!this.commandsUp) {
      if (!this.downLogged && !this.shuttingDown) this.logDown(`not ready (${redis.status})`);
      throw new RedisUnavailableError(`not ready (${redis.status})`);
    }
    try {
      return await work(redis);
    } catch (err) {
      if (err instanceof ReplyError) throw err;
      const reason = (err as Error).message;
      this.breakerOpens(reason);
      // A command that timed out may leave the connection stuck behind it: start over with a
      // new one, whose ready check tells when Redis answers again.
      redis.disconnect(true);
      throw new RedisUnavailableError(reason);
    }
  }

  /** PUBLISH on REDIS_KEY_PREFIX + channel; throws RedisUnavailableError as `run` does. */
  async publish(channel: string, message: string): Promise<void> {
    await this.run((redis) => redis.publish(this.channel(channel), message));
  }

  /**
   * Delivers every message on REDIS_KEY_PREFIX + channel to `handler`, from now on and across
   * reconnections. Messages published while the subscriber is not connected are lost: what
   * listens here must have a bound of its own (the principal cache's lifetime).
   */
  subscribe(channel: string, handler: (message: string) => void): void {
    if (!this.url) return;
    this.channelHandlers.set(this.channel(channel), handler);
    const subscriber = this.subscriber();
    if (subscriber.status === 'ready') this.subscribeAll(subscriber);
  }

  /** Waits at most `ms` for the command connection to be ready; true when it is. Never throws. */
  async whenAvailable(ms: number): Promise<boolean> {
    const redis = this.commands();
    if (!redis) return false;
    if (this.commandsUp) return true;
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      onReady = resolve;
      redis.once('ready', onReady);
    });
    clearTimeout(timer);
    redis.off('ready', onReady!);
    return this.commandsUp;
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([this.close(this.commandClient, this.commandsUp), this.close(this.subscriberClient, this.subscriberClient?.status === 'ready')]);
  }

  private commands(): Redis | null {
    if (!this.url || this.shuttingDown) return this.commandClient;
    if (!this.commandClient) {
      const redis = new Redis(this.url, { ...this.options(), keyPrefix: this.prefix, commandTimeout: this.commandTimeoutMs });
      // Failures are reported by the breaker; without a listener ioredis would print each reconnection attempt.
      redis.on('error', () => undefined);
      redis.on('ready', () => this.breakerCloses());
      redis.on('close', () => this.breakerOpens('connection closed'));
      for (const [name, definition] of this.commandDefinitions) redis.defineCommand(name, definition);
      this.commandClient = redis;
    }
    return this.commandClient;
  }

  private subscriber(): Redis {
    if (!this.subscriberClient) {
      // No commandTimeout: a subscribed connection only waits for messages. ioredis subscribes
      // again by itself after a reconnection; subscribing on every `ready` covers the first one.
      const redis = new Redis(this.url!, this.options());
      redis.on('error', () => undefined);
      redis.on('ready', () => this.subscribeAll(redis));
      redis.on('message', (channel: string, message: string) => this.channelHandlers.get(channel)?.(message));
      this.subscriberClient = redis;
    }
    return this.subscriberClient;
  }

  private options(): RedisOptions {
    return {
      enableOfflineQueue: false,
      // A command in flight when the connection drops fails at once instead of waiting for the next one.
      maxRetriesPerRequest: 0,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    };
  }

  private subscribeAll(redis: Redis): void {
    if (this.channelHandlers.size === 0) return;
    // A failure here is followed by a reconnection, which subscribes again.
    redis.subscribe(...this.channelHandlers.keys()).catch(() => undefined);
  }

  private breakerOpens(reason: string): void {
    if (!this.commandsUp) return;
    this.commandsUp = false;
    if (!this.shuttingDown) this.logDown(`failed (${reason})`);
  }

  private logDown(what: string): void {
    this.downLogged = true;
    this.logger.warn(`Redis ${what}: rate limits, revocations and login dedupe are per instance until it answers`);
  }

  private breakerCloses(): void {
    if (this.commandsUp) return;
    this.commandsUp = true;
    if (this.downLogged) this.logger.log('Redis answers again: rate limits, revocations and login dedupe are shared across instances');
    this.downLogged = false;
  }

  /** QUIT waits for Redis's answer: only ask a Redis that answers, and not for long. */
  private async close(redis: Redis | null, answers: boolean): Promise<void> {
    if (!redis) return;
    if (answers) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(1000, this.commandTimeoutMs))));
      await Promise.race([redis.quit().catch(() => undefined), late]);
      clearTimeout(timer);
    }
    redis.disconnect();
  }
}
