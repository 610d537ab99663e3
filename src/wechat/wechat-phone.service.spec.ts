import { Logger } from '@nestjs/common';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WechatAccessTokenService } from './wechat-access-token.service';
import type { WechatBody, WechatRequest } from './wechat-http.client';
import { countryCodeOf, WechatPhoneService } from './wechat-phone.service';
import { WechatCodeInvalidError } from './wechat.errors';

describe(WechatPhoneService.name, () => {
  let answer: WechatBody;
  let requests: WechatRequest[];
  let sut: WechatPhoneService;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    requests = [];
    const tokens = {
      callWithToken: vi.fn(async (build: (token: string) => WechatRequest) => {
        requests.push(build('AT'));
        return answer;
      }),
    };
    sut = new WechatPhoneService(tokens as unknown as WechatAccessTokenService);
  });

  it('should post the code with the access token and return the phone', async () => {
    answer = { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86', watermark: {} } };
    await expect(sut.getPhoneNumber('pc')).resolves.toEqual({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
    expect(requests[0]).toMatchObject({ path: '/wxa/business/getuserphonenumber', query: { access_token: 'AT' }, body: { code: 'pc' } });
  });

  it.each([40029, 40163])('should answer 400 WECHAT_CODE_INVALID for errcode %s', async (errcode) => {
    answer = { errcode, errmsg: 'invalid code' };
    await expect(sut.getPhoneNumber('pc')).rejects.toMatchObject({ status: 400, code: 'WECHAT_CODE_INVALID' });
    await expect(sut.getPhoneNumber('pc')).rejects.toBeInstanceOf(WechatCodeInvalidError);
  });

  it('should answer 429 for the frequency limit and 502 for other errcodes', async () => {
    answer = { errcode: 45011, errmsg: 'limit' };
    await expect(sut.getPhoneNumber('pc')).rejects.toMatchObject({ status: 429, code: 'WECHAT_RATE_LIMITED' });
    answer = { errcode: 40013, errmsg: 'invalid appid' };
    await expect(sut.getPhoneNumber('pc')).rejects.toMatchObject({ status: 502, code: 'WECHAT_ERROR' });
  });

  it('should treat an answer without phone_info as WeChat being unavailable', async () => {
    answer = { errcode: 0, errmsg: 'ok' };
    await expect(sut.getPhoneNumber('pc')).rejects.toMatchObject({ status: 503 });
  });
});

describe('countryCodeOf', () => {
  it('should accept a string or a number', () => {
    expect(countryCodeOf('86')).toBe('86');
    expect(countryCodeOf(86)).toBe('86');
    expect(countryCodeOf('+852')).toBe('852');
    expect(countryCodeOf(1)).toBe('1');
  });

  it('should refuse anything else', () => {
    for (const value of [null, undefined, '', 'CN', -1, 1.5, {}, '12345']) expect(countryCodeOf(value)).toBeNull();
  });
});
