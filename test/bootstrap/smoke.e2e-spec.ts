import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, TestApp } from '../support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => t.reset());
  afterAll(async () => t.close());

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
