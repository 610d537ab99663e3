import { Inject, Injectable } from '@nestjs/common';
import { PrincipalCache } from '../common/cache/principal-cache';
import { SecretBox } from '../common/crypto/secret-box';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EDITABLE_PROFILE_FIELDS, ProfilePatch } from './dto/update-profile.dto';
import { toUserResponse, UserResponse } from './dto/user.response';
import type { UserEntity } from './entities/user.entity';
import { LastAdminError, UserDisabledError, UserNotFoundError } from './users.errors';
import { UsersRepository } from './users.repository';

export interface WechatIdentity {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

@Injectable()
export class UsersService {
  private readonly box: SecretBox;

  constructor(
    private readonly users: UsersRepository,
    private readonly principals: PrincipalCache,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new SecretBox(config.dataEncryptionKey);
  }

  /**
   * The user of a WeChat identity, created on first login. The session_key is replaced at
   * every login and stored sealed (bound to the openid, so a sealed value cannot be moved
   * to another row). A disabled account is refused and left unchanged.
   */
  async upsertByOpenid(identity: WechatIdentity, profile: ProfilePatch = {}): Promise<{ user: UserEntity; isNew: boolean }> {
    const result = await this.users.upsertByOpenid({
      openid: identity.openid,
      unionid: identity.unionid,
      sessionKeyEnc: this.box.seal(identity.sessionKey, identity.openid),
      profile,
    });
    if (result.kind === 'disabled') throw new UserDisabledError();
    return { user: result.user, isNew: result.isNew };
  }

  /** The user's current WeChat session_key, or null when none is stored or it cannot be opened. */
  sessionKeyOf(user: UserEntity): string | null {
    if (!user.sessionKeyEnc || !user.openid) return null;
    return this.box.open(user.sessionKeyEnc, user.openid);
  }

  async getEntity(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  async getProfile(id: string): Promise<UserResponse> {
    return toUserResponse(await this.getEntity(id));
  }

  async updateProfile(id: string, dto: ProfilePatch): Promise<UserResponse> {
    const patch: Record<string, unknown> = {};
    for (const field of EDITABLE_PROFILE_FIELDS) if (dto[field] !== undefined) patch[field] = dto[field];
    const user = await this.users.updateProfile(id, patch as ProfilePatch);
    if (!user) throw new UserNotFoundError();
    return toUserResponse(user);
  }

  /** Erases the account and everything personal in it; the openid is free for a new, empty account. */
  async deleteAccount(id: string): Promise<void> {
    const outcome = await this.users.deleteUnlessLastAdmin(id);
    if (outcome === 'last-admin') throw new LastAdminError();
    this.principals.forgetUser(id);
    if (outcome === 'missing') throw new UserNotFoundError();
  }
}
