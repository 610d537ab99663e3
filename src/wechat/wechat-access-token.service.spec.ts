import { Logger } from '@nestjs/common';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { WechatAccessTokenService } from './wechat-access-token.service';
import type { WechatBody, WechatHttpClient, WechatRequest } from './wechat-http.client';
import type { LockedTokenRow, StoredAccessToken, WechatTokenRepository } from './wechat-token.repository';

const APPID = 'wxunit';
const config = { wechat: { appid: APPID, secret: 'unit-secret', apiBase: 'http://127.0.0.1', timeoutMs: 1000 } } as AppConfig;

/** The repository's contract in memory: one row, a mutex for withLock, compare-and-set expiry. */
class InMemoryTokenRepository {
  row: StoredAccessToken | null = null;
  private lock: Promise<void> = Promise.resolve();

  find = vi.fn(async (_appid: string) => (this.row ? { ...this.row } : null));

  withLock = vi.fn(async <T>(_appid: string, fn: (row: LockedTokenRow) => Promise<T>): Promise<T> => {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await fn({
        read: async () => (this.row ? { ...this.row } : null),
        write: async (value) => {
          this.row = { ...value };
        },
      });
    } finally {
      release();
    }
  });

  expireIfCurrent = vi.fn(async (_appid: string, token: string) => {
    if (this.row?.token !== token) return false;
    this.row = { ...this.row, expiresAt: new Date(0), fetchedAt: new Date(0) };
    return true;
  });
}

/** WeChat as far as this service sees it: stable_token and one API that checks the token. */
class ScriptedWechat {
  current = 'T1';
  issued = 1;
  expiresIn = 7200;
  stableCalls: { force: boolean }[] = [];
  apiCalls: string[] = [];
  /** errcodes the API answers next, whatever the token. */
  apiAnswers: number[] = [];

  call = vi.fn(async (request: WechatRequest): Promise<WechatBody> => {
    await Promise.resolve();
    if (request.path === '/cgi-bin/stable_token') {
      const force = (request.body as { force_refresh?: boolean }).force_refresh === true;
      this.stableCalls.push({ force });
      if (force) this.current = `T${++this.issued}`;
      return { access_token: this.current, expires_in: this.expiresIn };
    }
    const token = request.query!.access_token;
    this.apiCalls.push(token);
    const scripted = this.apiAnswers.shift();
    if (scripted !== undefined) return { errcode: scripted, errmsg: `scripted, rid: x` };
    return token === this.current ? { errcode: 0, ok: true } : { errcode: 40001, errmsg: 'invalid credential' };
  });
}

const api = (token: string): WechatRequest => ({ name: 'api', path: '/api', query: { access_token: token }, body: {} });

describe(WechatAccessTokenService.name, () => {
  let repo: InMemoryTokenRepository;
  let wechat: ScriptedWechat;
  let now: number;
  let sut: WechatAccessTokenService;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    repo = new InMemoryTokenRepository();
    wechat = new ScriptedWechat();
    now = Date.UTC(2026, 0, 1);
    const clock: Clock = { now: () => now };
    sut = new WechatAccessTokenService(
      wechat as unknown as WechatHttpClient,
      repo as unknown as WechatTokenRepository,
      config,
      clock,
    );
  });

  it('should fetch a token once, in the normal mode, and store it with its expiry', async () => {
    await expect(sut.getToken()).resolves.toBe('T1');
    expect(wechat.stableCalls).toEqual([{ force: false }]);
    expect(repo.row).toEqual({ token: 'T1', expiresAt: new Date(now + 7200_000), fetchedAt: new Date(now) });
    expect(wechat.call.mock.calls[0][0].body).toEqual({ grant_type: 'client_credential', appid: APPID, secret: 'unit-secret' });
  });

  it('should share one fetch between concurrent callers', async () => {
    const tokens = await Promise.all(Array.from({ length: 12 }, () => sut.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['T1']));
    expect(wechat.stableCalls).toHaveLength(1);
    expect(repo.withLock).toHaveBeenCalledTimes(1);
  });

  // Fixed offsets, not ones computed from the service's constants: the README promises
  // renewal 5 minutes before expiry, and a margin of 0 must fail these tests.
  it('should use the stored token without asking WeChat while it is fresh', async () => {
    repo.row = { token: 'T0', expiresAt: new Date(now + 6 * 60_000), fetchedAt: new Date(now - 3600_000) };
    await expect(sut.getToken()).resolves.toBe('T0');
    expect(wechat.stableCalls).toHaveLength(0);
  });

  it('should renew a minute before expiry, while the stored token is still valid', async () => {
    await sut.getToken();
    const expiresAt = repo.row!.expiresAt.getTime();
    now = expiresAt - 6 * 60_000; // before the 5-minute margin: used as is
    await expect(sut.getToken()).resolves.toBe('T1');
    expect(wechat.stableCalls).toHaveLength(1);

    wechat.current = 'T2';
    now = expiresAt - 60_000; // inside the margin: renewed before use
    await expect(sut.getToken()).resolves.toBe('T2');
    expect(wechat.stableCalls).toHaveLength(2);
    expect(repo.row!.fetchedAt.getTime()).toBe(expiresAt - 60_000);
    expect(repo.row!.fetchedAt.getTime()).toBeLessThan(expiresAt);
    expect(repo.row!.expiresAt.getTime()).toBe(expiresAt - 60_000 + 7200_000);
  });

  it('should not use a token in its last 30 seconds, even one fetched a moment ago', async () => {
    // the normal mode hands back the token WeChat still holds, with what is left of its life
    repo.row = { token: 'T0', expiresAt: new Date(now + 20_000), fetchedAt: new Date(now - 10_000) };
    await expect(sut.getToken()).resolves.toBe('T1');
    expect(wechat.stableCalls).toHaveLength(1);
  });

  it('should not ask again at every request when WeChat hands back the same token near its end', async () => {
    wechat.expiresIn = 200; // within our margin: normal mode answers the token it still holds
    await sut.getToken();
    await sut.getToken();
    await sut.getToken();
    expect(wechat.stableCalls).toHaveLength(1);
    now += 61_000;
    await sut.getToken();
    expect(wechat.stableCalls).toHaveLength(2);
  });

  it('should re-read under the lock and use a token another instance stored meanwhile', async () => {
    repo.row = { token: 'OLD', expiresAt: new Date(now - 1000), fetchedAt: new Date(now - 7200_000) };
    repo.find.mockImplementationOnce(async () => {
      const stale = { ...repo.row! };
      // another instance renews between our read and our lock
      repo.row = { token: 'OTHER', expiresAt: new Date(now + 7200_000), fetchedAt: new Date(now) };
      return stale;
    });
    await expect(sut.getToken()).resolves.toBe('OTHER');
    expect(wechat.stableCalls).toHaveLength(0);
  });

  describe('callWithToken', () => {
    it('should renew in the normal mode and retry once when WeChat no longer knows the token', async () => {
      await sut.getToken();
      wechat.current = 'T2'; // e.g. the token expired at WeChat, which now hands out T2
      const body = await sut.callWithToken(api);
      expect(body.errcode).toBe(0);
      expect(wechat.apiCalls).toEqual(['T1', 'T2']);
      expect(wechat.stableCalls).toEqual([{ force: false }, { force: false }]);
      expect(repo.row!.token).toBe('T2');
    });

    it('should force a refresh only after a confirmed 40001 (the normal mode hands back the refused token)', async () => {
      await sut.getToken();
      wechat.apiAnswers.push(40001);
      const body = await sut.callWithToken(api);
      expect(body.errcode).toBe(0);
      expect(wechat.stableCalls).toEqual([{ force: false }, { force: false }, { force: true }]);
      expect(wechat.apiCalls).toEqual(['T1', 'T2']);
      expect(repo.row!.token).toBe('T2');
    });

    it('should never force a refresh for 42001 (expired)', async () => {
      await sut.getToken();
      wechat.apiAnswers.push(42001);
      const body = await sut.callWithToken(api);
      expect(body.errcode).toBe(0);
      expect(wechat.stableCalls.filter((c) => c.force)).toHaveLength(0);
      expect(wechat.apiCalls).toEqual(['T1', 'T1']);
    });

    it('should retry only once and return the second answer', async () => {
      await sut.getToken();
      wechat.apiAnswers.push(42001, 42001);
      await expect(sut.callWithToken(api)).resolves.toMatchObject({ errcode: 42001 });
      expect(wechat.apiCalls).toHaveLength(2);
    });

    it('should not expire a token another instance has already replaced', async () => {
      await sut.getToken();
      wechat.apiAnswers.push(40001);
      // between our call and our reaction, another instance stored a newer token
      wechat.call.mockImplementationOnce(async (request) => {
        repo.row = { token: 'NEWER', expiresAt: new Date(now + 7200_000), fetchedAt: new Date(now) };
        wechat.current = 'NEWER';
        wechat.apiCalls.push(request.query!.access_token);
        wechat.apiAnswers.shift();
        return { errcode: 40001, errmsg: 'invalid credential' };
      });
      const body = await sut.callWithToken(api);
      expect(body.errcode).toBe(0);
      expect(repo.expireIfCurrent).toHaveBeenCalledWith(APPID, 'T1');
      expect(repo.row!.token).toBe('NEWER');
      expect(wechat.apiCalls).toEqual(['T1', 'NEWER']);
      expect(wechat.stableCalls).toHaveLength(1); // only the first fetch
    });

    it('should share one renewal between concurrent calls refused with the same token', async () => {
      await sut.getToken();
      wechat.current = 'T2';
      const bodies = await Promise.all(Array.from({ length: 8 }, () => sut.callWithToken(api)));
      expect(bodies.every((b) => b.errcode === 0)).toBe(true);
      expect(wechat.stableCalls).toHaveLength(2);
    });

    it('should pass other errcodes through untouched', async () => {
      wechat.apiAnswers.push(40029);
      await expect(sut.callWithToken(api)).resolves.toMatchObject({ errcode: 40029 });
      expect(wechat.apiCalls).toHaveLength(1);
      expect(repo.expireIfCurrent).not.toHaveBeenCalled();
    });
  });

  it('should report a stable_token error as a WeChat error and store nothing', async () => {
    wechat.call.mockResolvedValueOnce({ errcode: 40125, errmsg: 'invalid appsecret' });
    await expect(sut.getToken()).rejects.toMatchObject({ status: 502, code: 'WECHAT_ERROR' });
    expect(repo.row).toBeNull();
  });
});
