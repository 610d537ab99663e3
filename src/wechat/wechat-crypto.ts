import { Inject, Injectable, Logger } from '@nestjs/common';
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SessionKeyStaleError } from './wechat.errors';

/** Canonical, padded base64 (what WeChat sends); Buffer.from(…, 'base64') alone would skip junk silently. */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The decrypted open data: the profile or phone fields plus WeChat's watermark. */
export type WechatOpenData = Record<string, unknown> & { watermark: { appid: string; timestamp?: number } };

/**
 * WeChat's "open data" for mini programs: AES-128-CBC with PKCS#7 padding, the key being
 * the user's session_key and the iv sent with the data, all base64; and the signature of
 * rawData, hex sha1(rawData + session_key).
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
 *
 * Every failure is the same SessionKeyStaleError (no padding or parsing oracle for a
 * caller); the reason goes to the debug log without the key, the data or the iv.
 */
@Injectable()
export class WechatCrypto {
  private readonly logger = new Logger('WechatCrypto');
  private readonly appid: string | null;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'wechat'>) {
    this.appid = config.wechat.appid;
  }

  /** Decrypts and checks encryptedData; throws SessionKeyStaleError on any failure. */
  decrypt(sessionKey: string, encryptedData: string, iv: string): WechatOpenData {
    const key = decodeBase64(sessionKey);
    const ivBytes = decodeBase64(iv);
    const data = decodeBase64(encryptedData);
    if (!key || key.length !== 16) return this.fail('session_key is not 16 bytes of base64');
    if (!ivBytes || ivBytes.length !== 16) return this.fail('iv is not 16 bytes of base64');
    if (!data || data.length === 0 || data.length % 16 !== 0) return this.fail('encryptedData is not whole AES blocks of base64');

    let plaintext: Buffer;
    try {
      // OpenSSL checks the PKCS#7 padding (every pad byte equal to the pad length) in final().
      const decipher = createDecipheriv('aes-128-cbc', key, ivBytes);
      plaintext = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      return this.fail('bad padding (wrong key or iv, or tampered data)');
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
    } catch {
      return this.fail('plaintext is not UTF-8 JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return this.fail('plaintext is not a JSON object');
    const watermark = (parsed as { watermark?: unknown }).watermark as { appid?: unknown } | undefined;
    if (typeof watermark !== 'object' || watermark === null || typeof watermark.appid !== 'string') return this.fail('no watermark');
    if (this.appid === null || watermark.appid !== this.appid) return this.fail('watermark of another appid');
    return parsed as WechatOpenData;
  }

  /** Throws SessionKeyStaleError unless signature is hex sha1(rawData + session_key); compared in constant time. */
  verifySignature(sessionKey: string, rawData: string, signature: string): void {
    const expected = createHash('sha1').update(rawData + sessionKey, 'utf8').digest();
    const given = /^[0-9a-fA-F]{40}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) this.fail('signature mismatch');
  }

  private fail(reason: string): never {
    this.logger.debug(`WeChat open data rejected: ${reason}`);
    throw new SessionKeyStaleError();
  }
}

function decodeBase64(value: string): Buffer | null {
  if (typeof value !== 'string' || !STRICT_BASE64.test(value)) return null;
  return Buffer.from(value, 'base64');
}
