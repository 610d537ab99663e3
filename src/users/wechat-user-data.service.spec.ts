import { Logger } from '@nestjs/common';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WechatCrypto, WechatOpenData } from '../wechat/wechat-crypto';
import type { WechatPhoneService } from '../wechat/wechat-phone.service';
import { SessionKeyStaleError, WechatApiError } from '../wechat/wechat.errors';
import type { MediaService } from '../media/media.service';
import type { UserEntity } from './entities/user.entity';
import type { UsersRepository } from './users.repository';
import type { UsersService } from './users.service';
import { profileFieldsOf, WechatUserDataService } from './wechat-user-data.service';

const APPID = 'wxunit';
const data = (fields: Record<string, unknown>): WechatOpenData => ({ ...fields, watermark: { appid: APPID } });

describe('profileFieldsOf', () => {
  it('should map the official payload keys to our fields', () => {
    expect(
      profileFieldsOf(data({ openId: 'o', nickName: 'Band', gender: 1, language: 'zh_CN', city: 'Guangzhou', province: 'Guangdong', country: 'CN', avatarUrl: 'http://wx.qlogo.cn/a/0', unionId: 'u' })),
    ).toEqual({ nickname: 'Band', gender: 'male', language: 'zh_CN', city: 'Guangzhou', province: 'Guangdong', country: 'CN', avatarUrl: 'http://wx.qlogo.cn/a/0', unionid: 'u' });
  });

  it('should map gender 0 and 2, and ignore values WeChat never sends', () => {
    expect(profileFieldsOf(data({ gender: 0 })).gender).toBe('unknown');
    expect(profileFieldsOf(data({ gender: 2 })).gender).toBe('female');
    expect(profileFieldsOf(data({ gender: 7 })).gender).toBeUndefined();
  });

  it('should cut text to the column sizes without splitting an emoji', () => {
    const fields = profileFieldsOf(data({ nickName: '😀'.repeat(60), language: 'x'.repeat(40) }));
    expect(Array.from(fields.nickname!)).toHaveLength(50);
    expect(fields.nickname).toBe('😀'.repeat(50));
    expect(fields.language).toHaveLength(32);
  });

  it('should clear an empty place, keep an empty nickname out, and drop an avatar that is not http(s)', () => {
    expect(profileFieldsOf(data({ city: '', nickName: '  ', avatarUrl: 'javascript:alert(1)' }))).toEqual({ city: null });
  });
});

describe(WechatUserDataService.name, () => {
  const user = { id: 'u1', openid: 'o_1' } as UserEntity;
  let users: { getEntity: ReturnType<typeof vi.fn>; sessionKeyOf: ReturnType<typeof vi.fn> };
  let repository: { applyWechatProfile: ReturnType<typeof vi.fn>; setPhone: ReturnType<typeof vi.fn> };
  let crypto: { decrypt: ReturnType<typeof vi.fn>; verifySignature: ReturnType<typeof vi.fn> };
  let phones: { getPhoneNumber: ReturnType<typeof vi.fn> };
  let media: { freeReleased: ReturnType<typeof vi.fn> };
  let sut: WechatUserDataService;
  const saved = { ...user, createdAt: new Date(0), updatedAt: new Date(0) } as UserEntity;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    users = { getEntity: vi.fn().mockResolvedValue(user), sessionKeyOf: vi.fn().mockReturnValue('key') };
    repository = { applyWechatProfile: vi.fn().mockResolvedValue({ user: saved, released: [] }), setPhone: vi.fn().mockResolvedValue(saved) };
    crypto = { decrypt: vi.fn(), verifySignature: vi.fn() };
    phones = { getPhoneNumber: vi.fn() };
    media = { freeReleased: vi.fn().mockResolvedValue(undefined) };
    sut = new WechatUserDataService(
      users as unknown as UsersService,
      repository as unknown as UsersRepository,
      crypto as unknown as WechatCrypto,
      phones as unknown as WechatPhoneService,
      media as unknown as MediaService,
    );
  });

  it('should check the signature before decrypting when rawData and signature are sent', async () => {
    crypto.verifySignature.mockImplementation(() => {
      throw new SessionKeyStaleError();
    });
    await expect(sut.applyWechatProfile('u1', { encryptedData: 'e', iv: 'i', rawData: '{}', signature: 'a'.repeat(40) })).rejects.toBeInstanceOf(SessionKeyStaleError);
    expect(crypto.verifySignature).toHaveBeenCalledWith('key', '{}', 'a'.repeat(40));
    expect(repository.applyWechatProfile).not.toHaveBeenCalled();
  });

  it('should refuse, and write nothing, when the user has no usable session_key', async () => {
    users.sessionKeyOf.mockReturnValue(null);
    await expect(sut.applyWechatProfile('u1', { encryptedData: 'e', iv: 'i' })).rejects.toBeInstanceOf(SessionKeyStaleError);
    await expect(sut.setPhone('u1', { encryptedData: 'e', iv: 'i' })).rejects.toBeInstanceOf(SessionKeyStaleError);
    expect(crypto.decrypt).not.toHaveBeenCalled();
    expect(repository.setPhone).not.toHaveBeenCalled();
  });

  it("should refuse data that names another user's openId", async () => {
    crypto.decrypt.mockReturnValue(data({ openId: 'o_2', nickName: 'x' }));
    await expect(sut.applyWechatProfile('u1', { encryptedData: 'e', iv: 'i' })).rejects.toBeInstanceOf(SessionKeyStaleError);
    expect(repository.applyWechatProfile).not.toHaveBeenCalled();
  });

  it('should write the decrypted profile fields', async () => {
    crypto.decrypt.mockReturnValue(data({ openId: 'o_1', nickName: 'x', unionId: 'un' }));
    await expect(sut.applyWechatProfile('u1', { encryptedData: 'e', iv: 'i' })).resolves.toMatchObject({ id: 'u1' });
    expect(repository.applyWechatProfile).toHaveBeenCalledWith('u1', { nickname: 'x', unionid: 'un' });
  });

  it('should free, after the write, an uploaded avatar that WeChat\'s avatar replaced', async () => {
    crypto.decrypt.mockReturnValue(data({ openId: 'o_1', avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/a/132' }));
    repository.applyWechatProfile.mockResolvedValue({ user: saved, released: ['m1'] });
    await sut.applyWechatProfile('u1', { encryptedData: 'e', iv: 'i' });
    expect(media.freeReleased).toHaveBeenCalledWith(['m1']);
  });

  it('should set the phone from a code without touching the session_key', async () => {
    phones.getPhoneNumber.mockResolvedValue({ phoneNumber: '+85261234567', purePhoneNumber: '61234567', countryCode: '852' });
    await sut.setPhone('u1', { code: 'c' });
    expect(repository.setPhone).toHaveBeenCalledWith('u1', '+85261234567');
    expect(users.sessionKeyOf).not.toHaveBeenCalled();
  });

  it('should refuse a phone number of an unexpected shape from WeChat', async () => {
    phones.getPhoneNumber.mockResolvedValue({ phoneNumber: '<script>', purePhoneNumber: null, countryCode: null });
    await expect(sut.setPhone('u1', { code: 'c' })).rejects.toBeInstanceOf(WechatApiError);
    expect(repository.setPhone).not.toHaveBeenCalled();
  });

  it('should refuse decrypted data without a phoneNumber', async () => {
    crypto.decrypt.mockReturnValue(data({ nickName: 'x' }));
    await expect(sut.setPhone('u1', { encryptedData: 'e', iv: 'i' })).rejects.toBeInstanceOf(SessionKeyStaleError);
    expect(repository.setPhone).not.toHaveBeenCalled();
  });
});
