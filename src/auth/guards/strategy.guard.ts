import { CanActivate, ExecutionContext, Inject, Injectable, mixin, Type } from '@nestjs/common';
import passport from 'passport';

type PassportStrategy = passport.Strategy;

export interface StrategyOutcome {
  err: unknown;
  user: unknown;
  info: unknown;
}

/**
 * Runs one Passport strategy *instance* on a request. @nestjs/passport's AuthGuard looks
 * strategies up by name in Passport's process-wide registry, so with two Nest apps in one
 * process (two instances in a test) the last one created would serve both, with its own
 * database pool. Passing this app's instance keeps each app on its own strategies.
 * `Object.create` gives each request its own object, as Passport does for named strategies.
 */
export function runStrategy(strategy: PassportStrategy, request: unknown, response: unknown): Promise<StrategyOutcome> {
  return new Promise((resolve, reject) => {
    const handler = passport.authenticate(Object.create(strategy) as PassportStrategy, { session: false }, (err: unknown, user: unknown, info: unknown) =>
      resolve({ err, user, info }),
    );
    handler(request, response, (err?: unknown) => (err ? reject(err) : resolve({ err: null, user: false, info: undefined })));
  });
}

/**
 * A guard for one of this app's Passport strategies (by class, resolved from DI):
 * `@UseGuards(StrategyGuard(WechatCodeStrategy))`. Sets `request.user` to what the
 * strategy's `validate` returned; its errors (domain errors, 400s) propagate as they are.
 */
export function StrategyGuard(strategyType: Type<PassportStrategy>): Type<CanActivate> {
  @Injectable()
  class MixinStrategyGuard implements CanActivate {
    constructor(@Inject(strategyType) private readonly strategy: PassportStrategy) {}

    async canActivate(context: ExecutionContext): Promise<boolean> {
      const http = context.switchToHttp();
      const request = http.getRequest();
      const { err, user } = await runStrategy(this.strategy, request, http.getResponse());
      if (err) throw err;
      if (!user) return false;
      request.user = user;
      return true;
    }
  }
  return mixin(MixinStrategyGuard);
}
