import { Injectable, Logger } from '@nestjs/common';
import { WechatAccessTokenService } from './wechat-access-token.service';
import { ridOf } from './wechat-http.client';
import { WechatApiError, WechatCodeInvalidError, WechatRateLimitedError, WechatUnavailableError } from './wechat.errors';

/** A phone number as WeChat's getuserphonenumber answers it. */
export interface WechatPhone {
  /** With the area code for numbers outside mainland China. */
  phoneNumber: string;
  purePhoneNumber: string | null;
  countryCode: string | null;
}

/**
 * WeChat's phone number API: the one-time code of a `getPhoneNumber` button, traded with
 * the app's access token.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
 */
@Injectable()
export class WechatPhoneService {
  private readonly logger = new Logger('WechatPhone');

  constructor(private readonly accessTokens: WechatAccessTokenService) {}

  async getPhoneNumber(code: string): Promise<WechatPhone> {
    const body = await this.accessTokens.callWithToken((accessToken) => ({
      name: 'getuserphonenumber',
      path: '/wxa/business/getuserphonenumber',
      query: { access_token: accessToken },
      body: { code },
    }));
    switch (body.errcode ?? 0) {
      case 0:
        break;
      case 40029: // invalid code
      case 40163: // code already used
        throw new WechatCodeInvalidError(400, 'The phone code is invalid or already used; ask the user to tap the phone number button again');
      case 45011:
        throw new WechatRateLimitedError();
      default:
        this.logger.error(`WeChat getuserphonenumber errcode ${body.errcode} rid=${ridOf(body)}`);
        throw new WechatApiError(body.errcode!);
    }
    const info = body.phone_info as { phoneNumber?: unknown; purePhoneNumber?: unknown; countryCode?: unknown } | undefined;
    const phoneNumber = typeof info?.phoneNumber === 'string' ? info.phoneNumber : '';
    if (!phoneNumber) {
      this.logger.error(`WeChat getuserphonenumber answered without phone_info.phoneNumber rid=${ridOf(body)}`);
      throw new WechatUnavailableError();
    }
    return {
      phoneNumber,
      purePhoneNumber: typeof info?.purePhoneNumber === 'string' ? info.purePhoneNumber : null,
      countryCode: countryCodeOf(info?.countryCode),
    };
  }
}

/** WeChat sends countryCode as a string ("86") in some answers and as a number (86) in others. */
export function countryCodeOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^\+?\d{1,4}$/.test(value.trim())) return value.trim().replace(/^\+/, '');
  return null;
}
