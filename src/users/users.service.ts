import { Injectable } from '@nestjs/common';
import { MediaService } from '../media/media.service';
import type { MultipartUpload } from '../media/multipart-upload';
import { EDITABLE_PROFILE_FIELDS, ProfilePatch } from './dto/update-profile.dto';
import { toUserResponse, UserResponse } from './dto/user.response';
import type { UserEntity } from './entities/user.entity';
import { UserDisabledError, UserNotFoundError } from './users.errors';
import { OpenidUpsertStatement, UsersRepository } from './users.repository';

export interface WechatIdentity {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** Mini program users: found or created by WeChat login, and their own profile and avatar. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly media: MediaService,
  ) {}

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
    await this.media.freeReleased(result.released);
    return { user: result.user, isNew: result.isNew };
  }

  /**
   * The same upsert as one statement, for a login that opens its session in that statement
   * (SessionsService.openWithUpsert); null for a login that sets an avatar, whose media
   * reference needs upsertByOpenid's transaction.
   */
  openidUpsertStatement(identity: WechatIdentity, profile: ProfilePatch = {}): OpenidUpsertStatement | null {
    if (profile.avatarUrl) return null;
    return this.users.openidUpsertStatement({ openid: identity.openid, unionid: identity.unionid, sessionKey: identity.sessionKey, profile });
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
    const saved = await this.users.updateProfile(id, patch as ProfilePatch);
    if (!saved) throw new UserNotFoundError();
    // A replaced or cleared avatar that nothing else uses goes now.
    await this.media.freeReleased(saved.released);
    return toUserResponse(saved.user);
  }

  /**
   * `POST /api/users/me/avatar`: stores the uploaded image (checked and re-encoded by the media
   * module) and makes it the avatar, in one call, as `wx.uploadFile` after `chooseAvatar` needs.
   * The avatar it replaces is freed unless something else uses it.
   */
  async setAvatar(id: string, upload: MultipartUpload): Promise<UserResponse> {
    const media = await this.media.storeUpload(id, 'avatar', upload);
    const saved = await this.users.updateProfile(id, { avatarUrl: media.url });
    if (!saved) {
      // The account was erased meanwhile: the image it will never use goes too.
      await this.media.free([media.id]);
      throw new UserNotFoundError();
    }
    await this.media.freeReleased(saved.released);
    return toUserResponse(saved.user);
  }
}
