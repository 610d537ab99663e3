import { Injectable } from '@nestjs/common';
import type { ProfilePatch } from '../users/dto/update-profile.dto';
import type { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import type { PasswordLoginDto } from '../users/dto/user-accounts.dto';
import { UserAccountsService } from '../users/user-accounts.service';
import { WechatService } from '../wechat/wechat.service';
import type { TokenPairResponse } from './dto/token.dto';
import type { WechatLoginDto, WechatUserInfoDto } from './dto/wechat-login.dto';
import { SessionsService } from './sessions.service';

/** What the wechat-code strategy hands to the login handler. */
export interface WechatLogin {
  user: UserEntity;
  isNew: boolean;
}

const GENDERS = ['unknown', 'male', 'female'] as const;

/** The login flow: WeChat code → user (found or created) → session. */
@Injectable()
export class AuthService {
  constructor(
    private readonly wechat: WechatService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accounts: UserAccountsService,
  ) {}

  /** A staff or admin account by username and password; never a mini program user (they have no password). */
  async loginWithPassword(dto: PasswordLoginDto): Promise<WechatLogin> {
    return { user: await this.accounts.authenticate(dto.username, dto.password), isNew: false };
  }

  /** Trades the code with WeChat and finds or creates the user. A failure creates and changes nothing. */
  async loginWithWechat(dto: WechatLoginDto): Promise<WechatLogin> {
    const identity = await this.wechat.code2Session(dto.code);
    return this.users.upsertByOpenid(identity, profileFromUserInfo(dto.userInfo));
  }

  completeLogin(login: WechatLogin, userAgent?: string): Promise<TokenPairResponse> {
    return this.sessions.issue(login.user, login.isNew, userAgent);
  }
}

export function profileFromUserInfo(info: WechatUserInfoDto | undefined): ProfilePatch {
  if (!info) return {};
  const patch: ProfilePatch = {};
  if (info.nickName !== undefined) patch.nickname = info.nickName;
  if (info.avatarUrl !== undefined) patch.avatarUrl = info.avatarUrl;
  if (info.gender !== undefined) patch.gender = GENDERS[info.gender];
  if (info.city !== undefined) patch.city = info.city;
  if (info.province !== undefined) patch.province = info.province;
  if (info.country !== undefined) patch.country = info.country;
  if (info.language !== undefined) patch.language = info.language;
  return patch;
}
