import { Injectable } from '@nestjs/common';
import type { ProfilePatch } from '../users/dto/update-profile.dto';
import type { UserEntity } from '../users/entities/user.entity';
import { UserAccountsService } from '../users/user-accounts.service';
import { UsersService } from '../users/users.service';
import { WechatService } from '../wechat/wechat.service';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import type { PasswordLoginDto } from './dto/password-login.dto';
import type { TokenPairResponse, VerifyTokenResponse } from './dto/token.dto';
import type { WechatLoginDto, WechatUserInfoDto } from './dto/wechat-login.dto';
import { SessionsService } from './sessions.service';

/** What both login strategies prove: the user who just showed who they are, and whether the account is new. */
export interface LoggedInUser {
  user: UserEntity;
  isNew: boolean;
}

const GENDERS = ['unknown', 'male', 'female'] as const;

/** The login flow: a proof (WeChat code or password) → the user → a session and its token pair. */
@Injectable()
export class AuthService {
  constructor(
    private readonly wechat: WechatService,
    private readonly users: UsersService,
    private readonly accounts: UserAccountsService,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokenAuthenticator,
  ) {}

  /** Trades the code with WeChat and finds or creates the user. A failure creates and changes nothing. */
  async loginWithWechat(dto: WechatLoginDto): Promise<LoggedInUser> {
    const identity = await this.wechat.code2Session(dto.code);
    return this.users.upsertByOpenid(identity, profileFromUserInfo(dto.userInfo));
  }

  /** A staff or admin account by username and password; never a mini program user (they have no password). */
  async loginWithPassword(dto: PasswordLoginDto): Promise<LoggedInUser> {
    return { user: await this.accounts.authenticate(dto.username, dto.password), isNew: false };
  }

  openSession(login: LoggedInUser, userAgent?: string): Promise<TokenPairResponse> {
    return this.sessions.issue(login.user, login.isNew, userAgent);
  }

  /** The same checks as every guarded request, on a token handed in. */
  async verify(token: string): Promise<VerifyTokenResponse> {
    const { user, exp } = await this.tokens.authenticateToken(token);
    return { valid: true, userId: user.id, role: user.role, exp };
  }
}

function profileFromUserInfo(info: WechatUserInfoDto | undefined): ProfilePatch {
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
