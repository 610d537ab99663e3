import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AdjustableClock } from '../../test/support/adjustable-clock';
import { loadConfig } from '../config/load-config';
import { RedisConnections } from '../redis/redis-connections';
import { accessTokensFor } from './access-tokens';
import { PrincipalBroadcast } from './principal-broadcast';
import { PrincipalCache } from './principal-cache';
import type { UserEntity } from '../users/entities/user.entity';
import { UserDisabledError } from '../users/users.errors';
import type { UsersService } from '../users/users.service';
import { RefreshInProgressError, RefreshTokenInvalidError, RefreshTokenReusedError } from './auth.errors';
import type { SessionsRepository } from './sessions.repository';
import { hashToken, SessionsService } from './sessions.service';

const USER_ID = '11111111-1111-4111-8111-111111111111';
const SESSION_ID = '22222222-2222-4222-8222-222222222222';

function user(overrides: Partial<UserEntity> = {}): UserEntity {
  const now = new Date();
  return { id: USER_ID, openid: 'o', role: 'user', disabled: false, gender: 'unknown', createdAt: now, updatedAt: now, ...overrides } as UserEntity;
}

describe(SessionsService.name, () => {
  const config = loadConfig({ JWT_SECRET: 'unit-test-secret-unit-test-secret-123', JWT_ACCESS_TTL: '10m' });
  let repo: { [K in keyof SessionsRepository]: ReturnType<typeof vi.fn> };
  let users: { getEntity: ReturnType<typeof vi.fn> };
  let principals: PrincipalCache;
  let broadcast: PrincipalBroadcast;
  let clock: AdjustableClock;
  let sut: SessionsService;

  beforeEach(() => {
    repo = {
      create: vi.fn().mockResolvedValue(SESSION_ID),
      createWithUpsert: vi.fn(),
      rotate: vi.fn(),
      findSessionOfToken: vi.fn(),
      revoke: vi.fn().mockResolvedValue(undefined),
      revokeAllOfUser: vi.fn().mockResolvedValue(undefined),
      findPrincipal: vi.fn(),
    };
    users = { getEntity: vi.fn().mockResolvedValue(user()) };
    clock = new AdjustableClock();
    principals = new PrincipalCache(clock);
    broadcast = new PrincipalBroadcast(principals, new RedisConnections(config));
    sut = new SessionsService(
      repo as unknown as SessionsRepository,
      users as unknown as UsersService,
      accessTokensFor(config),
      principals,
      broadcast,
      config,
      clock,
    );
  });

  it('should issue a pair whose refresh token is stored only as its hash', async () => {
    const pair = await sut.issue(user(), true, 'ua');
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 600, isNewUser: true });
    const [, , storedHash] = repo.create.mock.calls[0];
    expect(storedHash).toEqual(hashToken(pair.refreshToken));
    expect(JSON.stringify(repo.create.mock.calls)).not.toContain(pair.refreshToken);
  });

  it('should open the session of a WeChat login with the user in one statement, its refresh token stored only as its hash, and sign the pair without another query', async () => {
    const upsert = { sql: 'INSERT INTO users …', params: ['o1'], read: vi.fn().mockReturnValue({ user: user(), isNew: true }) };
    repo.createWithUpsert.mockResolvedValue({ userRow: { id: USER_ID }, sessionId: SESSION_ID });
    const login = await sut.openWithUpsert(upsert, 'ua');
    expect(upsert.read).toHaveBeenCalledWith({ id: USER_ID });
    const [passed, userAgent, storedHash] = repo.createWithUpsert.mock.calls[0];
    expect([passed, userAgent]).toEqual([upsert, 'ua']);
    expect(storedHash).toEqual(hashToken(login.session.refreshToken));
    const pair = await sut.issue(login.user, login.isNew, 'ua', login.session);
    expect(pair).toMatchObject({ refreshToken: login.session.refreshToken, isNewUser: true });
    expect(repo.create).not.toHaveBeenCalled();
  });

  it('should refuse a WeChat login of a disabled user: the statement wrote nothing', async () => {
    repo.createWithUpsert.mockResolvedValue(null);
    const upsert = { sql: 'x', params: [], read: vi.fn() };
    await expect(sut.openWithUpsert(upsert)).rejects.toBeInstanceOf(UserDisabledError);
    expect(upsert.read).not.toHaveBeenCalled();
  });

  it('should refuse to issue tokens to a disabled user', async () => {
    await expect(sut.issue(user({ disabled: true }), false)).rejects.toBeInstanceOf(UserDisabledError);
    expect(repo.create).not.toHaveBeenCalled();
  });

  it('should revoke the family and forget its cached principal on every instance when a spent token comes back', async () => {
    const forget = vi.spyOn(broadcast, 'forgetSession');
    principals.set(SESSION_ID, { userId: USER_ID, role: 'user', active: true });
    repo.rotate.mockResolvedValue({ kind: 'reused', sessionId: SESSION_ID, userId: USER_ID });
    await expect(sut.refresh('spent')).rejects.toBeInstanceOf(RefreshTokenReusedError);
    expect(repo.revoke).toHaveBeenCalledWith(SESSION_ID, 'reuse');
    expect(principals.get(SESSION_ID)).toBeUndefined();
    expect(forget).toHaveBeenCalledWith(SESSION_ID);
  });

  it('should revoke the session of a logout and forget it on every instance, after the revocation is stored', async () => {
    const order: string[] = [];
    repo.findSessionOfToken.mockResolvedValue({ sessionId: SESSION_ID });
    repo.revoke.mockImplementation(async () => void order.push('revoke'));
    vi.spyOn(broadcast, 'forgetSession').mockImplementation(() => void order.push('forget'));
    await sut.logout('a-refresh-token');
    expect(repo.revoke).toHaveBeenCalledWith(SESSION_ID, 'logout');
    expect(order).toEqual(['revoke', 'forget']);
  });

  it('should not cache what a lookup found when a revocation was forgotten while it ran', async () => {
    const claims = { sub: USER_ID, sid: SESSION_ID };
    // The lookup reads the session just before the revocation; the forget arrives before its answer.
    repo.findPrincipal.mockImplementationOnce(async () => {
      broadcast.forgetSession(SESSION_ID);
      return { userId: USER_ID, role: 'user', disabled: false, revoked: false };
    });
    await expect(sut.resolvePrincipal(claims)).resolves.toEqual({ id: USER_ID, role: 'user', sessionId: SESSION_ID });
    repo.findPrincipal.mockResolvedValueOnce({ userId: USER_ID, role: 'user', disabled: false, revoked: true });
    await expect(sut.resolvePrincipal(claims)).resolves.toBeNull();
    expect(repo.findPrincipal).toHaveBeenCalledTimes(2);
  });

  it('should answer REFRESH_TOKEN_INVALID for an unknown token without revoking anything', async () => {
    repo.rotate.mockResolvedValue({ kind: 'invalid' });
    await expect(sut.refresh('unknown')).rejects.toBeInstanceOf(RefreshTokenInvalidError);
    expect(repo.revoke).not.toHaveBeenCalled();
  });

  it('should answer REFRESH_IN_PROGRESS without revoking when another rotation of the token is in flight', async () => {
    principals.set(SESSION_ID, { userId: USER_ID, role: 'user', active: true });
    repo.rotate.mockResolvedValue({ kind: 'busy' });
    await expect(sut.refresh('racing')).rejects.toBeInstanceOf(RefreshInProgressError);
    expect(repo.revoke).not.toHaveBeenCalled();
    expect(principals.get(SESSION_ID)).toBeDefined();
  });

  it('should resolve a principal once and then serve it from the cache', async () => {
    repo.findPrincipal.mockResolvedValue({ userId: USER_ID, role: 'staff', disabled: false, revoked: false });
    const claims = { sub: USER_ID, sid: SESSION_ID };
    await expect(sut.resolvePrincipal(claims)).resolves.toEqual({ id: USER_ID, role: 'staff', sessionId: SESSION_ID });
    await expect(sut.resolvePrincipal(claims)).resolves.toEqual({ id: USER_ID, role: 'staff', sessionId: SESSION_ID });
    expect(repo.findPrincipal).toHaveBeenCalledTimes(1);
  });

  it('should ask the database again once the cached principal is older than its lifetime', async () => {
    repo.findPrincipal.mockResolvedValue({ userId: USER_ID, role: 'staff', disabled: false, revoked: false });
    const claims = { sub: USER_ID, sid: SESSION_ID };
    await sut.resolvePrincipal(claims);
    clock.advance(5000);
    repo.findPrincipal.mockResolvedValue({ userId: USER_ID, role: 'staff', disabled: false, revoked: true });
    await expect(sut.resolvePrincipal(claims)).resolves.toBeNull();
    expect(repo.findPrincipal).toHaveBeenCalledTimes(2);
  });

  it('should check the session against the clock, so a session past its refresh lifetime is over', async () => {
    repo.findPrincipal.mockResolvedValue({ userId: USER_ID, role: 'user', disabled: false, revoked: false });
    clock.advance(3_600_000);
    await sut.resolvePrincipal({ sub: USER_ID, sid: SESSION_ID });
    const [, , asOf] = repo.findPrincipal.mock.calls[0];
    expect(Math.abs((asOf as Date).getTime() - (Date.now() + 3_600_000))).toBeLessThan(1000);
  });

  it('should refuse claims that are not ids without asking the database', async () => {
    await expect(sut.resolvePrincipal({ sub: 'x', sid: "'; DROP TABLE users; --" })).resolves.toBeNull();
    expect(repo.findPrincipal).not.toHaveBeenCalled();
  });

  it('should refuse a revoked session or a disabled user', async () => {
    repo.findPrincipal.mockResolvedValueOnce({ userId: USER_ID, role: 'user', disabled: false, revoked: true });
    await expect(sut.resolvePrincipal({ sub: USER_ID, sid: SESSION_ID })).resolves.toBeNull();
    principals.forgetSession(SESSION_ID);
    repo.findPrincipal.mockResolvedValueOnce({ userId: USER_ID, role: 'user', disabled: true, revoked: false });
    await expect(sut.resolvePrincipal({ sub: USER_ID, sid: SESSION_ID })).resolves.toBeNull();
  });
});
