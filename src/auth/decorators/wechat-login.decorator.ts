import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { WechatLogin } from '../auth.service';

/** The result of the wechat-code strategy. */
export const AuthenticatedLogin = createParamDecorator((_data: unknown, ctx: ExecutionContext): WechatLogin => {
  return ctx.switchToHttp().getRequest().user as WechatLogin;
});
