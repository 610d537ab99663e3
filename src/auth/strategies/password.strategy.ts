import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { validateDto } from '../../common/validation/validate-dto';
import { PasswordLoginDto } from '../../users/dto/user-accounts.dto';
import { PASSWORD_STRATEGY } from '../auth.constants';
import { AuthService, WechatLogin } from '../auth.service';

/** Authenticates a staff or admin account by username and password (`POST /api/auth/token`). */
@Injectable()
export class PasswordStrategy extends PassportStrategy(Strategy, PASSWORD_STRATEGY) {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async validate(req: { body?: unknown }): Promise<WechatLogin> {
    // Guards run before pipes: a malformed body is a 400 before any password work.
    const dto = await validateDto(PasswordLoginDto, req.body);
    return this.auth.loginWithPassword(dto);
  }
}
