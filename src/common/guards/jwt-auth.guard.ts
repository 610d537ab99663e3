import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidAccessTokenError } from '../../auth/auth.errors';
import { JwtStrategy } from '../../auth/strategies/jwt.strategy';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { runStrategy } from './strategy.guard';

/** Global: every route needs a valid access token unless marked @Public(). Forgetting it fails closed. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest();
    const { err, user, info } = await runStrategy(this.strategy, request, http.getResponse());
    if (err) throw err;
    if (!user) throw new InvalidAccessTokenError((info as Error | undefined)?.name === 'TokenExpiredError');
    request.user = user;
    return true;
  }
}
