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
import { OpenedSession, SessionsService } from './sessions.service';

/** What both login strategies prove: the user who just showed who they are, and whether the account is new. */
export interface LoggedInUser {
  user: UserEntity;
  isNew: boolean;
  /** The session the login opened with the user (a WeChat login does both in one statement); else openSession opens one. */
  session?: OpenedSession;
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

  /**
   * Trades the code with WeChat, then finds or creates the user and opens its session in one
   * statement. A login that sets an avatar upserts the user in a transaction with the avatar's
   * media reference, and its session is opened after. A failure creates and changes nothing.
   */
  async loginWithWechat(dto: WechatLoginDto, userAgent?: string): Promise<LoggedInUser> {
    const identity = await this.wechat.code2Session(dto.code);
    const profile = profileFromUserInfo(dto.userInfo);
    const upsert = this.users.openidUpsertStatement(identity, profile);
    if (upsert) return this.sessions.openWithUpsert(upsert, userAgent);
    return this.users.upsertByOpenid(identity, profile);
  }

  /** A staff or admin account by username and password; never a mini program user (they have no password). */
  async loginWithPassword(dto: PasswordLoginDto): Promise<LoggedInUser> {
    return { user: await this.accounts.authenticate(dto.username, dto.password), isNew: false };
  }

  openSession(login: LoggedInUser, userAgent?: string): Promise<TokenPairResponse> {
    return this.sessions.issue(login.user, login.isNew, userAgent, login.session);
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
