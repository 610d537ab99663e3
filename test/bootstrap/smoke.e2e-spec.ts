import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app';

describe('smoke', () => {
  const t = useTestApp();

  it('should answer health', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(200);
  });

  it('should log a user in', async () => {
    const pair = await t.login('o_smoke');
    expect(pair.user.openid).toBe('o_smoke');
    const me = await t.request('GET', '/api/users/me', { token: pair.accessToken });
    expect(me.status).toBe(200);
  });
});
