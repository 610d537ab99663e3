import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { DevWechatServer } from '../dev/dev-wechat.server';
import { FakeWechatServer } from '../../test/support/fake-wechat.server';
import { SecretBox } from '../common/crypto/secret-box';
import { RedisConnections } from '../redis/redis-connections';
import { SharedCodeExchange } from './shared-code-exchange';
import { WechatHttpClient } from './wechat-http.client';
import { WechatCodeInvalidError, WechatCodeUsedError, WechatUnavailableError } from './wechat.errors';
import { WechatService } from './wechat.service';

/** The service as the app builds it, without REDIS_URL: codes are traded by this instance alone. */
function wechatService(config: AppConfig): WechatService {
  const shared = new SharedCodeExchange(new RedisConnections(config), new SecretBox(config.dataEncryptionKey), config);
  return new WechatService(new WechatHttpClient(config), shared, config);
}

describe(WechatService.name, () => {
  const fake = new FakeWechatServer({ appid: 'wxunit', secret: 'unit-secret' });
  let config: AppConfig;
  let sut: WechatService;

  beforeAll(async () => {
    await fake.listen();
    config = loadConfig({ WECHAT_APPID: 'wxunit', WECHAT_SECRET: 'unit-secret', WECHAT_API_BASE: fake.url, WECHAT_TIMEOUT_MS: '300' });
  });
  beforeEach(() => {
    fake.reset();
    sut = wechatService(config);
  });
  afterAll(async () => fake.close());

  it('should trade a code for openid, session_key and unionid', async () => {
    const code = fake.issueCode('o1', 'u1');
    const session = await sut.code2Session(code);
    expect(session).toEqual({ openid: 'o1', sessionKey: fake.sessionKeyOf('o1'), unionid: 'u1' });
    expect(Buffer.from(session.sessionKey, 'base64')).toHaveLength(16);
  });

  it('should share one WeChat call between concurrent exchanges of one code', async () => {
    fake.latencyMs = 50;
    const code = fake.issueCode('o2');
    const [a, b, c] = await Promise.all([sut.code2Session(code), sut.code2Session(code), sut.code2Session(code)]);
    expect(a).toEqual(b);
    expect(b).toEqual(c);
    expect(fake.calls.jscode2session).toBe(1);
    await expect(sut.code2Session(code)).rejects.toBeInstanceOf(WechatCodeUsedError);
  });

  it('should share a failure too, and not keep it for later', async () => {
    const results = await Promise.allSettled([sut.code2Session('bad'), sut.code2Session('bad')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(fake.calls.jscode2session).toBe(1);
    await expect(sut.code2Session('bad')).rejects.toBeInstanceOf(WechatCodeInvalidError);
    expect(fake.calls.jscode2session).toBe(2);
  });

  it('should give up after three attempts when WeChat stays busy', async () => {
    fake.failNext({ kind: 'busy' }, { kind: 'busy' }, { kind: 'busy' });
    await expect(sut.code2Session(fake.issueCode('o3'))).rejects.toBeInstanceOf(WechatUnavailableError);
    // exactly the three scripted answers were consumed: the next exchange succeeds at once
    await expect(sut.code2Session(fake.issueCode('o3'))).resolves.toMatchObject({ openid: 'o3' });
    expect(fake.calls.jscode2session).toBe(1);
  });

  it('should treat an answer without openid as WeChat being unavailable', async () => {
    const broken = new DevWechatServer({ appid: 'wxunit', secret: 'other' });
    await broken.listen();
    try {
      const cfg = { ...config, wechat: { ...config.wechat, apiBase: broken.url } };
      const other = wechatService(cfg);
      // wrong secret → errcode 40125 → not a login error the client can fix
      await expect(other.code2Session('x')).rejects.toMatchObject({ status: 502, code: 'WECHAT_ERROR' });
    } finally {
      await broken.close();
    }
  });
});
