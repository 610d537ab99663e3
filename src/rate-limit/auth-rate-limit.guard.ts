import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AUTH_RATE_LIMIT_KEY } from './auth-rate-limit.decorator';

/** The throttler (AUTH_RATE_LIMIT a minute per client address), applied by AuthRateLimitGuard to the marked routes. */
@Injectable()
export class LoginThrottler extends ThrottlerGuard {}

/**
 * The throttler as a global guard that acts only on routes marked `@AuthRateLimit()`.
 * Global guards run before route guards, so the limit is checked before the login
 * strategy calls WeChat. The client address is Fastify's `request.ip`, which believes
 * X-Forwarded-For only as far as TRUST_PROXY says (see bootstrap.ts). Every other route
 * passes at once, without a promise: this guard runs on every request.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly throttler: LoginThrottler,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const limited = this.reflector.getAllAndOverride<boolean>(AUTH_RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]);
    return limited === true ? this.throttler.canActivate(context) : true;
  }
}
