import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { WechatCrypto } from './wechat-crypto';
import { SessionKeyStaleError } from './wechat.errors';

// WeChat's official example ("开放数据校验与解密", also in the test suites of the major SDKs).
const APPID = 'wx4f4bc4dec97d474b';
const SESSION_KEY = 'tiihtNczf5v6AKRyjwEUhQ==';
const IV = 'r7BXXKkLb8qrSNn05n0qiA==';
const ENCRYPTED_DATA =
  'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142d' +
  'NCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn' +
  '/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns' +
  '/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuy' +
  'Db/XcxxmK01EpqOyuxINew==';

// The signature example of the same page: sha1(rawData + session_key).
const SIGNED_RAW_DATA =
  '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN",' +
  '"avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}';
const SIGNING_SESSION_KEY = 'HyVFkGl5F5OQWJZZaNzBBg==';
const SIGNATURE = '75e81ceda165f4ffa64f4068af58c64b8f54b88c';

function flipByte(b64: string, index: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[index] ^= 0x01;
  return bytes.toString('base64');
}

function encrypt(sessionKey: string, payload: string, iv = randomBytes(16)): { encryptedData: string; iv: string } {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  return { encryptedData: Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]).toString('base64'), iv: iv.toString('base64') };
}

describe(WechatCrypto.name, () => {
  const sut = new WechatCrypto({ wechat: { appid: APPID, secret: 's', apiBase: 'http://127.0.0.1', timeoutMs: 1000 } });
  const stale = SessionKeyStaleError;
  beforeAll(() => Logger.overrideLogger(false));

  describe('decrypt', () => {
    it('should decrypt the official test vector', () => {
      expect(sut.decrypt(SESSION_KEY, ENCRYPTED_DATA, IV)).toEqual({
        openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
        nickName: 'Band',
        gender: 1,
        language: 'zh_CN',
        city: 'Guangzhou',
        province: 'Guangdong',
        country: 'CN',
        avatarUrl:
          'http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0',
        unionId: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA',
        watermark: { timestamp: 1477314187, appid: APPID },
      });
    });

    it('should refuse a tampered iv', () => {
      expect(() => sut.decrypt(SESSION_KEY, ENCRYPTED_DATA, flipByte(IV, 0))).toThrow(stale);
    });

    it('should refuse tampered data', () => {
      expect(() => sut.decrypt(SESSION_KEY, flipByte(ENCRYPTED_DATA, 100), IV)).toThrow(stale);
    });

    it('should refuse tampered data in the last block (bad padding)', () => {
      const length = Buffer.from(ENCRYPTED_DATA, 'base64').length;
      expect(() => sut.decrypt(SESSION_KEY, flipByte(ENCRYPTED_DATA, length - 17), IV)).toThrow(stale);
    });

    it('should refuse truncated data (a partial block)', () => {
      expect(() => sut.decrypt(SESSION_KEY, ENCRYPTED_DATA.slice(0, -8), IV)).toThrow(stale);
    });

    it('should refuse truncated data (whole blocks missing)', () => {
      const bytes = Buffer.from(ENCRYPTED_DATA, 'base64');
      expect(() => sut.decrypt(SESSION_KEY, bytes.subarray(0, bytes.length - 16).toString('base64'), IV)).toThrow(stale);
    });

    it('should refuse junk that is not base64', () => {
      expect(() => sut.decrypt(SESSION_KEY, 'not base64 at all!!', IV)).toThrow(stale);
      expect(() => sut.decrypt(SESSION_KEY, ENCRYPTED_DATA, '***junk***')).toThrow(stale);
      expect(() => sut.decrypt('***', ENCRYPTED_DATA, IV)).toThrow(stale);
    });

    it('should refuse base64 with junk around it that a lenient decoder would skip', () => {
      expect(() => sut.decrypt(SESSION_KEY, `${ENCRYPTED_DATA}\u0000!`, IV)).toThrow(stale);
      expect(() => sut.decrypt(SESSION_KEY, ` ${ENCRYPTED_DATA}`, IV)).toThrow(stale);
    });

    it('should refuse a key or an iv of the wrong length', () => {
      expect(() => sut.decrypt(randomBytes(24).toString('base64'), ENCRYPTED_DATA, IV)).toThrow(stale);
      expect(() => sut.decrypt(SESSION_KEY, ENCRYPTED_DATA, randomBytes(12).toString('base64'))).toThrow(stale);
      expect(() => sut.decrypt(SESSION_KEY, '', IV)).toThrow(stale);
    });

    it('should refuse data sealed with another session_key', () => {
      expect(() => sut.decrypt(randomBytes(16).toString('base64'), ENCRYPTED_DATA, IV)).toThrow(stale);
    });

    it('should refuse a watermark of another appid', () => {
      const key = randomBytes(16).toString('base64');
      const { encryptedData, iv } = encrypt(key, JSON.stringify({ nickName: 'x', watermark: { appid: 'wxsomeoneelse', timestamp: 1 } }));
      expect(() => sut.decrypt(key, encryptedData, iv)).toThrow(stale);
    });

    it('should refuse a payload without a watermark', () => {
      const key = randomBytes(16).toString('base64');
      const { encryptedData, iv } = encrypt(key, JSON.stringify({ nickName: 'x' }));
      expect(() => sut.decrypt(key, encryptedData, iv)).toThrow(stale);
    });

    it('should refuse a well-padded plaintext that is not JSON', () => {
      const key = randomBytes(16).toString('base64');
      const { encryptedData, iv } = encrypt(key, 'hello, not json');
      expect(() => sut.decrypt(key, encryptedData, iv)).toThrow(stale);
    });

    it('should accept its own appid in a freshly sealed payload', () => {
      const key = randomBytes(16).toString('base64');
      const payload = { phoneNumber: '+85212345678', purePhoneNumber: '12345678', countryCode: 852, watermark: { appid: APPID, timestamp: 1 } };
      const { encryptedData, iv } = encrypt(key, JSON.stringify(payload));
      expect(sut.decrypt(key, encryptedData, iv)).toEqual(payload);
    });

    it('should refuse everything when no appid is configured', () => {
      const unconfigured = new WechatCrypto({ wechat: { appid: null, secret: null, apiBase: 'http://127.0.0.1', timeoutMs: 1000 } });
      expect(() => unconfigured.decrypt(SESSION_KEY, ENCRYPTED_DATA, IV)).toThrow(stale);
    });
  });

  describe('verifySignature', () => {
    it('should accept the official signature example', () => {
      expect(() => sut.verifySignature(SIGNING_SESSION_KEY, SIGNED_RAW_DATA, SIGNATURE)).not.toThrow();
      expect(() => sut.verifySignature(SIGNING_SESSION_KEY, SIGNED_RAW_DATA, SIGNATURE.toUpperCase())).not.toThrow();
    });

    it('should refuse a forged signature', () => {
      const forged = createHash('sha1').update(SIGNED_RAW_DATA).digest('hex');
      expect(() => sut.verifySignature(SIGNING_SESSION_KEY, SIGNED_RAW_DATA, forged)).toThrow(stale);
    });

    it('should refuse a signature of other rawData', () => {
      expect(() => sut.verifySignature(SIGNING_SESSION_KEY, SIGNED_RAW_DATA.replace('Band', 'Bond'), SIGNATURE)).toThrow(stale);
    });

    it('should refuse the signature under another session_key', () => {
      expect(() => sut.verifySignature(SESSION_KEY, SIGNED_RAW_DATA, SIGNATURE)).toThrow(stale);
    });

    it('should refuse a malformed signature without throwing anything else', () => {
      expect(() => sut.verifySignature(SIGNING_SESSION_KEY, SIGNED_RAW_DATA, 'abc')).toThrow(stale);
      expect(() => sut.verifySignature(SIGNING_SESSION_KEY, SIGNED_RAW_DATA, `${SIGNATURE}00`)).toThrow(stale);
    });
  });
});
