import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { AuthUser } from '../common/auth-user';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MediaUploadRateLimitedError } from './media.errors';

const WINDOW_MS = 60_000;

/**
 * MEDIA_UPLOAD_RATE_LIMIT uploads a minute per signed-in user (429 `RATE_LIMITED` with
 * Retry-After), counted before the body is read: decoding images is the costliest thing a
 * client can ask of us. The counters are the login rate limits' throttler storage
 * (RateLimitModule registers it globally): in memory, or in Redis with REDIS_URL, so every
 * instance counts together. A route guard, so it runs after the JWT guard has found the user.
 */
@Injectable()
export class MediaUploadRateLimitGuard implements CanActivate {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    // Upload routes are never @Public(): without a user the JWT guard has answered 401 already.
    if (!user) return true;
    const limit = this.config.media.uploadRateLimit;
    const record = await this.storage.increment(`user:${user.id}`, WINDOW_MS, limit, WINDOW_MS, 'media-upload');
    if (record.isBlocked) throw new MediaUploadRateLimitedError(record.timeToBlockExpire);
    return true;
  }
}
