import { Injectable, Logger } from '@nestjs/common';
import { MediaService } from '../media/media.service';
import { WechatCrypto, WechatOpenData } from '../wechat/wechat-crypto';
import { SessionKeyStaleError, WechatApiError } from '../wechat/wechat.errors';
import { WechatPhoneService } from '../wechat/wechat-phone.service';
import type { PhoneNumberDto } from './dto/phone-number.dto';
import { toUserResponse, UserResponse } from './dto/user.response';
import type { WechatProfileDto } from './dto/wechat-profile.dto';
import type { Gender, UserEntity } from './entities/user.entity';
import { UserNotFoundError } from './users.errors';
import { UsersRepository, WechatProfileFields } from './users.repository';
import { UsersService } from './users.service';

const GENDERS: Record<number, Gender> = { 0: 'unknown', 1: 'male', 2: 'female' };
/** Digits with an optional leading + (foreign numbers carry their area code), spaces or dashes allowed. */
const PHONE = /^\+?\d[\d -]{2,30}$/;

/**
 * The user-side rules for WeChat's user data: the encrypted profile and the phone number.
 * Everything is checked before anything is written, so a failure changes nothing.
 */
@Injectable()
export class WechatUserDataService {
  private readonly logger = new Logger('WechatUserData');

  constructor(
    private readonly users: UsersService,
    private readonly repository: UsersRepository,
    private readonly crypto: WechatCrypto,
    private readonly phones: WechatPhoneService,
    private readonly media: MediaService,
  ) {}

  /** Fills the profile from encryptedData of wx.getUserProfile, opened with the user's current session_key. */
  async applyWechatProfile(userId: string, dto: WechatProfileDto): Promise<UserResponse> {
    const user = await this.users.getEntity(userId);
    const sessionKey = this.sessionKeyOf(user);
    if (dto.rawData !== undefined && dto.signature !== undefined) this.crypto.verifySignature(sessionKey, dto.rawData, dto.signature);
    const data = this.crypto.decrypt(sessionKey, dto.encryptedData, dto.iv);
    // Data sealed with this user's key is this user's, unless WeChat says otherwise.
    if (data.openId !== undefined && data.openId !== user.openid) {
      this.logger.warn(`decrypted WeChat profile names another openid than user ${user.id}`);
      throw new SessionKeyStaleError();
    }
    const saved = await this.repository.applyWechatProfile(user.id, profileFieldsOf(data));
    if (!saved) throw new UserNotFoundError();
    // WeChat's avatar URL replaces an uploaded one, which goes unless something else uses it.
    await this.media.freeReleased(saved.released);
    return toUserResponse(saved.user);
  }

  /** Sets the phone from a getPhoneNumber code (through WeChat) or from the older encryptedData. */
  async setPhone(userId: string, dto: PhoneNumberDto): Promise<UserResponse> {
    const user = await this.users.getEntity(userId);
    let phoneNumber: string;
    if (dto.code !== undefined) {
      phoneNumber = (await this.phones.getPhoneNumber(dto.code)).phoneNumber;
      if (!PHONE.test(phoneNumber) || phoneNumber.length > 32) {
        this.logger.error(`WeChat getuserphonenumber answered a phone number of an unexpected shape for user ${user.id}`);
        throw new WechatApiError(0);
      }
    } else {
      const data = this.crypto.decrypt(this.sessionKeyOf(user), dto.encryptedData!, dto.iv!);
      // Not phone data (e.g. a profile payload posted here): nothing we can use.
      if (typeof data.phoneNumber !== 'string' || !PHONE.test(data.phoneNumber) || data.phoneNumber.length > 32) {
        this.logger.warn(`decrypted WeChat data for user ${user.id} carries no usable phoneNumber`);
        throw new SessionKeyStaleError();
      }
      phoneNumber = data.phoneNumber;
    }
    const updated = await this.repository.setPhone(user.id, phoneNumber);
    if (!updated) throw new UserNotFoundError();
    return toUserResponse(updated);
  }

  private sessionKeyOf(user: UserEntity): string {
    // No session_key (an account that never logged in through WeChat, or a key sealed under another
    // DATA_ENCRYPTION_KEY): nothing can be opened until the user logs in through WeChat again.
    const key = this.users.sessionKeyOf(user);
    if (!key) throw new SessionKeyStaleError();
    return key;
  }
}

/** The profile fields WeChat's decrypted data sets, cut to our column sizes; absent or unusable values leave a field as it is. */
export function profileFieldsOf(data: WechatOpenData): WechatProfileFields {
  const fields: WechatProfileFields = {};
  const nickname = text(data.nickName, 50);
  if (nickname) fields.nickname = nickname;
  if (typeof data.avatarUrl === 'string' && /^https?:\/\/\S+$/.test(data.avatarUrl) && data.avatarUrl.length <= 500) {
    fields.avatarUrl = data.avatarUrl;
  }
  const gender = typeof data.gender === 'number' || typeof data.gender === 'string' ? GENDERS[Number(data.gender)] : undefined;
  if (gender) fields.gender = gender;
  for (const [key, max] of [['city', 100], ['province', 100], ['country', 100], ['language', 32]] as const) {
    // WeChat sends "" for a place the user did not share: that clears the field.
    if (typeof data[key] === 'string') fields[key] = text(data[key], max) || null;
  }
  const unionid = text(data.unionId, 128);
  if (unionid) fields.unionid = unionid;
  return fields;
}

/** A trimmed string cut to `max` characters (whole code points, so an emoji is never split), or undefined. */
function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return Array.from(trimmed).slice(0, max).join('');
}
