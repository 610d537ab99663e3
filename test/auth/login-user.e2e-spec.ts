import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app';

describe('the user in a TokenPair', () => {
  const t = useTestApp();

  it('should be exactly what GET /api/users/me answers, for a returning user with every field set', async () => {
    const first = await t.login('o_full');
    const patch = {
      name: '张三',
      nickname: 'zhang',
      avatarUrl: 'https://example.com/a.png',
      email: 'zhang@example.com',
      birthday: '1990-02-28',
      gender: 'female',
      address: '上海',
      signature: 'hi',
      city: 'Shanghai',
      province: 'Shanghai',
      country: 'China',
      language: 'zh_CN',
    };
    const patched = await t.request('PATCH', '/api/users/me', { token: first.accessToken, body: patch });
    expect(patched.status).toBe(200);
    const again = await t.login('o_full');
    const me = await t.request('GET', '/api/users/me', { token: again.accessToken });
    expect(again.isNewUser).toBe(false);
    expect(again.user).toEqual({ ...me.body, updatedAt: again.user.updatedAt });
    expect(again.user).toMatchObject(patch);
    expect(typeof again.user.createdAt).toBe('string');
  });
});
