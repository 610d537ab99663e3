import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { PASSWORD_STRATEGY } from '../auth.constants';
import { AuthService, LoggedInUser } from '../auth.service';
import { PasswordLoginDto } from '../dto/password-login.dto';
import { validateDto } from '../../common/validation/validate-dto';

/** Authenticates a staff or admin account by username and password (`POST /api/auth/token`). */
@Injectable()
export class PasswordStrategy extends PassportStrategy(Strategy, PASSWORD_STRATEGY) {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async validate(req: { body?: unknown }): Promise<LoggedInUser> {
    // Guards run before pipes, so the body is validated here, once: a malformed body is a 400 before any password work.
    const dto = validateDto(PasswordLoginDto, req.body);
    return this.auth.loginWithPassword(dto);
  }
}
