import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { LoggedInUser } from './auth.service';

/** What a login strategy (wechat-code or password) proved: the user, and whether the account is new. */
export const LoggedIn = createParamDecorator((_data: unknown, ctx: ExecutionContext): LoggedInUser => {
  return ctx.switchToHttp().getRequest().user as LoggedInUser;
});

/**
 * The client's User-Agent, kept with its session. A decorator of our own rather than
 * `@Headers('user-agent')`, which would document the header as a required parameter.
 */
export const UserAgent = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest().headers?.['user-agent'];
  return typeof value === 'string' ? value : undefined;
});
