import { beforeEach, describe, expect, it } from 'vitest';
import { todayInShanghai } from '../../src/users/dto/is-past-date';
import { useTestApp } from '../support/test-app';

describe('/api/users/me', () => {
  const t = useTestApp();
  let token: string;
  let userId: string;
  const patch = (body: unknown) => t.request('PATCH', '/api/users/me', { token, body });
  const row = async () => (await t.dataSource.query(`SELECT * FROM users WHERE id = $1`, [userId]))[0];

  beforeEach(async () => {
    const pair = await t.login('o_profile');
    token = pair.accessToken;
    userId = pair.user.id;
  });

  it('should return the caller with every field of User, absent values null', async () => {
    const res = await t.request('GET', '/api/users/me', { token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      ['id', 'openid', 'unionid', 'role', 'disabled', 'username', 'name', 'nickname', 'avatarUrl', 'email', 'phone', 'birthday', 'gender',
        'address', 'signature', 'city', 'province', 'country', 'language', 'createdAt', 'updatedAt'].sort(),
    );
    expect(res.body).toMatchObject({ id: userId, openid: 'o_profile', role: 'user', gender: 'unknown', email: null, birthday: null });
  });

  it('should update every editable field', async () => {
    const body = {
      name: '王小明', nickname: '小明', avatarUrl: 'https://example.com/a.png', email: 'xm@example.com', birthday: '1995-04-01',
      gender: 'male', address: '杭州市西湖区', signature: 'hello', city: 'Hangzhou', province: 'Zhejiang', country: 'China', language: 'zh_CN',
    };
    const res = await patch(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(body);
    expect((await t.request('GET', '/api/users/me', { token })).body).toMatchObject(body);
    expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(res.body.createdAt).getTime());
  });

  it('should take the same partial update by PUT, which wx.request can send (it has no PATCH)', async () => {
    await patch({ city: 'Hangzhou', nickname: '小明' });
    const res = await t.request('PUT', '/api/users/me', { token, body: { nickname: '小红' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nickname: '小红', city: 'Hangzhou' });
    const refused = await t.request('PUT', '/api/users/me', { token, body: { nickname: 'x', role: 'admin' } });
    expect(refused.status).toBe(400);
    expect((await row()).nickname).toBe('小红');
  });

  it('should clear a field with null and leave the others', async () => {
    await patch({ nickname: 'n', city: 'c' });
    const res = await patch({ nickname: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nickname: null, city: 'c' });
  });

  it('should clear gender with null back to unknown, the value of a new user', async () => {
    expect((await patch({ gender: 'female', city: 'c' })).body.gender).toBe('female');
    const res = await patch({ gender: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ gender: 'unknown', city: 'c' });
    expect((await row()).gender).toBe('unknown');
  });

  it.each([
    ['name over 30', { name: 'x'.repeat(31) }],
    ['nickname over 50', { nickname: 'x'.repeat(51) }],
    ['avatarUrl not a URL', { avatarUrl: 'not a url' }],
    ['avatarUrl not http(s)', { avatarUrl: 'ftp://example.com/a.png' }],
    ['avatarUrl javascript:', { avatarUrl: 'javascript:alert(1)' }],
    ['avatarUrl over 500', { avatarUrl: `https://example.com/${'a'.repeat(490)}` }],
    ['email invalid', { email: 'not-an-email' }],
    ['birthday not a date', { birthday: 'yesterday' }],
    ['birthday impossible', { birthday: '2023-02-30' }],
    ['birthday wrong format', { birthday: '01/04/1995' }],
    ['birthday in the future', { birthday: todayInShanghai(new Date(Date.now() + 24 * 3600 * 1000)) }],
    ['gender unknown value', { gender: 'other' }],
    ['gender as WeChat number', { gender: 1 }],
    ['address over 550', { address: 'x'.repeat(551) }],
    ['signature over 550', { signature: 'x'.repeat(551) }],
    ['city not a string', { city: 12 }],
    ['language over 32', { language: 'x'.repeat(33) }],
    ['nickname with a NUL character', { nickname: 'a\u0000b' }],
    ['name with a NUL character', { name: '\u0000' }],
    ['address with a NUL character', { address: '杭州\u0000' }],
    ['signature with a NUL character', { signature: 'hi\u0000' }],
    ['city with a NUL character', { city: 'c\u0000' }],
    ['language with a NUL character', { language: 'zh\u0000CN' }],
    ['email with a NUL character', { email: 'a\u0000b@example.com' }],
    ['avatarUrl with a NUL character', { avatarUrl: 'https://example.com/a\u0000.png' }],
  ])('should answer 400 for %s and change nothing', async (_name, body) => {
    const before = await row();
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(await row()).toEqual(before);
  });

  it.each([
    ['role', { role: 'admin' }],
    ['openid', { openid: 'someone_else' }],
    ['phone', { phone: '13800000000' }],
    ['id', { id: '00000000-0000-0000-0000-000000000000' }],
    ['disabled', { disabled: true }],
    ['unionid', { unionid: 'u' }],
    ['username', { username: 'root' }],
    ['sessionKeyEnc', { sessionKeyEnc: 'x' }],
    ['a mix of allowed and forbidden', { nickname: 'ok', role: 'admin' }],
  ])('should refuse mass assignment of %s with 400 and change nothing', async (_name, body) => {
    const before = await row();
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/should not exist/);
    expect(await row()).toEqual(before);
  });

  it('should accept today in China as a birthday', async () => {
    const today = todayInShanghai(new Date());
    const res = await patch({ birthday: today });
    expect(res.status).toBe(200);
    expect(res.body.birthday).toBe(today);
  });

  it('should answer 401 without a token', async () => {
    expect((await t.request('PATCH', '/api/users/me', { body: { nickname: 'x' } })).status).toBe(401);
    expect((await t.request('DELETE', '/api/users/me')).status).toBe(401);
  });

  describe('DELETE /api/users/me', () => {
    it('should erase the account, revoke its sessions and free the openid', async () => {
      await patch({ nickname: '旧账号', email: 'old@example.com' });
      const other = await t.login('o_profile'); // a second device of the same user
      const res = await t.request('DELETE', '/api/users/me', { token });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      expect((await t.request('GET', '/api/users/me', { token })).status).toBe(401);
      expect((await t.request('GET', '/api/users/me', { token: other.accessToken })).status).toBe(401);
      expect((await t.request('POST', '/api/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(401);
      const [{ users }] = await t.dataSource.query(`SELECT count(*)::int AS users FROM users`);
      const [{ sessions }] = await t.dataSource.query(`SELECT count(*)::int AS sessions FROM sessions`);
      expect(users).toBe(0);
      expect(sessions).toBe(0);

      const again = await t.login('o_profile');
      expect(again.isNewUser).toBe(true);
      expect(again.user.id).not.toBe(userId);
      expect(again.user).toMatchObject({ nickname: null, email: null });
    });
  });
});
