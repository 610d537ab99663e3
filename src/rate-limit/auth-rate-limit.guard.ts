import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AUTH_RATE_LIMIT_KEY } from './auth-rate-limit.decorator';

/**
 * The throttler as a global guard that acts only on routes marked `@AuthRateLimit()`.
 * Global guards run before route guards, so the limit is checked before the login
 * strategy calls WeChat. The client address is Fastify's `request.ip`, which believes
 * X-Forwarded-For only as far as TRUST_PROXY says (see bootstrap.ts).
 */
@Injectable()
export class AuthRateLimitGuard extends ThrottlerGuard {
  /** Unmarked routes (all but the logins) pass at once, without a promise: this guard runs on every request. */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.limited(context) ? super.canActivate(context) : true;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !this.limited(context);
  }

  private limited(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return false;
    return this.reflector.getAllAndOverride<boolean>(AUTH_RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]) === true;
  }
}
