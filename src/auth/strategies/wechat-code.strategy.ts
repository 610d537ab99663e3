import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { WECHAT_CODE_STRATEGY } from '../auth.constants';
import { AuthService, LoggedInUser } from '../auth.service';
import { WechatLoginDto } from '../dto/wechat-login.dto';
import { validateDto } from '../../common/validation/validate-dto';

/**
 * Authenticates a mini program by the one-time code of wx.login(): WeChat trades it for
 * the openid and session_key, and the user of that openid is found or created.
 */
@Injectable()
export class WechatCodeStrategy extends PassportStrategy(Strategy, WECHAT_CODE_STRATEGY) {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async validate(req: { body?: unknown; headers?: Record<string, string | string[] | undefined> }): Promise<LoggedInUser> {
    // Guards run before pipes, so the body is validated here, once: a bad code is a 400 and WeChat is never called.
    const dto = validateDto(WechatLoginDto, req.body);
    const userAgent = req.headers?.['user-agent'];
    return this.auth.loginWithWechat(dto, typeof userAgent === 'string' ? userAgent : undefined);
  }
}
