import { Injectable } from '@nestjs/common';
import { EDITABLE_PROFILE_FIELDS, ProfilePatch } from './dto/update-profile.dto';
import { toUserResponse, UserResponse } from './dto/user.response';
import type { UserEntity } from './entities/user.entity';
import { UserDisabledError, UserNotFoundError } from './users.errors';
import { UsersRepository } from './users.repository';

export interface WechatIdentity {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** Mini program users: found or created by WeChat login, and their own profile. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /**
   * The user of a WeChat identity, created on first login. The session_key is replaced at
   * every login (the repository stores it sealed). A disabled account is refused and left unchanged.
   */
  async upsertByOpenid(identity: WechatIdentity, profile: ProfilePatch = {}): Promise<{ user: UserEntity; isNew: boolean }> {
    const result = await this.users.upsertByOpenid({
      openid: identity.openid,
      unionid: identity.unionid,
      sessionKey: identity.sessionKey,
      profile,
    });
    if (result.kind === 'disabled') throw new UserDisabledError();
    return { user: result.user, isNew: result.isNew };
  }

  /** The user's current WeChat session_key, or null when none is stored or it cannot be opened. */
  sessionKeyOf(user: UserEntity): string | null {
    return this.users.openSessionKey(user);
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
}
