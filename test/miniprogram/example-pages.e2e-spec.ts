import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insertGoods, signInAccount } from '../support/factories';
import { launchExampleApp } from '../support/miniprogram/example-app';
import { gate, storedPair, until, useKitServer } from '../support/miniprogram/kit-harness';
import { png } from '../support/miniprogram/png';

const LIST = 'pages/goods-list/index';
const DETAIL = 'pages/goods-detail/index';
const PROFILE = 'pages/profile/index';
const CN = { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' };

/** n goods, newest first in the order given (the list's default ordering is -createdAt). */
function goodsRows(names: string[]) {
  return names.map((name, i) => ({ name, price: `${i + 1}.50`, stock: i % 7, createdAt: new Date(Date.UTC(2025, 0, 1) - i * 60_000).toISOString() }));
}

describe('example mini program (miniprogram/) against the real server', () => {
  const { t, server } = useKitServer();

  it('should log in at launch through the kit', async () => {
    const mp = await launchExampleApp(t, 'o_ex_launch');
    expect(mp.shim.calls.login).toBe(1);
    expect(storedPair(mp.shim)).not.toBeNull();
    expect(mp.app.launchError).toBeUndefined();
  });

  describe('goods list', () => {
    it('should show the first page, then scroll page by page by cursor to the end, and stop asking', async () => {
      await insertGoods(t, goodsRows(Array.from({ length: 45 }, (_, i) => `商品 ${String(i).padStart(2, '0')}`)));
      const mp = await launchExampleApp(t, 'o_ex_list');
      const page = await mp.open(LIST);
      expect(page.data.items).toHaveLength(20);
      expect(page.data.items[0]).toMatchObject({ name: '商品 00', priceText: '¥1.50', soldOut: true });
      expect(page.data.done).toBe(false);

      await page.onReachBottom();
      expect(page.data.items).toHaveLength(40);
      await page.onReachBottom();
      expect(page.data.items).toHaveLength(45);
      expect(page.data).toMatchObject({ done: true, loading: false, nextCursor: null });
      expect(new Set(page.data.items.map((g: any) => g.id)).size).toBe(45);
      expect(page.data.items.map((g: any) => g.name)).toEqual(Array.from({ length: 45 }, (_, i) => `商品 ${String(i).padStart(2, '0')}`));

      await page.onReachBottom();
      expect(server.to('GET', '/api/goods')).toHaveLength(3);
      const queries = mp.shim.exchangesTo('/api/goods').map((e) => new URL(e.url).searchParams);
      expect(queries[0].has('cursor')).toBe(false);
      expect(queries[1].get('cursor')).toBeTruthy();
      expect(queries.every((q) => q.get('pageSize') === '20' && !q.has('page'))).toBe(true);
    });

    it('should not start a second page load while one is on its way', async () => {
      await insertGoods(t, goodsRows(Array.from({ length: 30 }, (_, i) => `商品 ${i}`)));
      const mp = await launchExampleApp(t, 'o_ex_double');
      const page = await mp.open(LIST);
      await Promise.all([page.onReachBottom(), page.onReachBottom(), page.onReachBottom()]);
      expect(server.to('GET', '/api/goods')).toHaveLength(2);
      expect(page.data.items).toHaveLength(30);
    });

    it('should search, and drop a page that arrives after a newer search began', async () => {
      await insertGoods(t, goodsRows([...Array.from({ length: 25 }, (_, i) => `面包 ${i}`), '牛奶', '酸奶', '奶酪']));
      const mp = await launchExampleApp(t, 'o_ex_search');
      const page = await mp.open(LIST);
      expect(page.data.items).toHaveLength(20);

      // Scroll, but hold that page's answer back while the user searches.
      const held = gate();
      let holding = false;
      mp.shim.onResponse = (e) => {
        if (e.path === '/api/goods' && new URL(e.url).searchParams.has('cursor')) {
          holding = true;
          return held.promise;
        }
      };
      const scrolling = page.onReachBottom();
      await until(() => holding, 'the next page to be on its way');
      await page.onSearch({ detail: { value: '  奶 ' } });
      held.open();
      await scrolling;

      expect(page.data.query).toBe('奶');
      expect(page.data.items.map((g: any) => g.name).sort()).toEqual(['奶酪', '牛奶', '酸奶'].sort());
      expect(page.data).toMatchObject({ done: true, empty: false });
      const searched = mp.shim.exchangesTo('/api/goods').at(-1)!;
      expect(new URL(searched.url).searchParams.get('search')).toBe('奶');
    });

    it('should say so when a search finds nothing, and show everything again for an empty search', async () => {
      await insertGoods(t, goodsRows(['牛奶', '面包']));
      const mp = await launchExampleApp(t, 'o_ex_empty');
      const page = await mp.open(LIST);
      await page.onSearch({ detail: { value: '咖啡' } });
      expect(page.data).toMatchObject({ items: [], empty: true, done: true });
      await page.onSearch({ detail: { value: '' } });
      expect(page.data.items).toHaveLength(2);
      expect(new URL(mp.shim.exchangesTo('/api/goods').at(-1)!.url).searchParams.has('search')).toBe(false);
    });

    it('should show a message on a failed page and load it when tapped again', async () => {
      await insertGoods(t, goodsRows(Array.from({ length: 25 }, (_, i) => `商品 ${i}`)));
      const mp = await launchExampleApp(t, 'o_ex_retry');
      const page = await mp.open(LIST);
      // The session ends and WeChat refuses the next code: the page shows the error.
      const pair = storedPair(mp.shim)!;
      expect((await t.request('POST', '/api/auth/logout', { body: { refreshToken: pair.refreshToken } })).status).toBe(204);
      await until(async () => (await t.request('GET', '/api/users/me', { token: pair.accessToken })).status === 401, 'the logout to apply');
      mp.shim.queuedCodes.push(t.fake.codeFailingWith(40226));
      await page.onReachBottom();
      expect(page.data).toMatchObject({ loading: false, error: '微信账号存在风险，暂时无法登录' });
      expect(page.data.items).toHaveLength(20);

      await page.onRetry();
      expect(page.data).toMatchObject({ error: '', done: true });
      expect(page.data.items).toHaveLength(25);
    });

    it('should open the goods page of the tapped item', async () => {
      const [id] = await insertGoods(t, goodsRows(['牛奶']));
      const mp = await launchExampleApp(t, 'o_ex_tap');
      const page = await mp.open(LIST);
      page.onOpen({ currentTarget: { dataset: { id } } });
      expect(mp.shim.ui.at(-1)).toMatchObject({ api: 'navigateTo', options: { url: `/pages/goods-detail/index?id=${id}` } });
    });
  });

  describe('goods page', () => {
    it('should show the goods, its price in yuan and its stock', async () => {
      const [id] = await insertGoods(t, [{ name: '苹果', price: '12.50', stock: 3, category: '水果' }]);
      const mp = await launchExampleApp(t, 'o_ex_detail');
      const page = await mp.open(DETAIL, { id });
      expect(page.data).toMatchObject({ loading: false, notFound: false });
      expect(page.data.goods).toMatchObject({ id, name: '苹果', priceText: '¥12.50', stockText: '库存 3', category: '水果', images: [] });
    });

    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', 'not-an-id'],
      ['no id', ''],
    ])('should show "not found" for %s', async (_name, id) => {
      const mp = await launchExampleApp(t, `o_ex_missing_${id.length}`);
      const page = await mp.open(DETAIL, id ? { id } : {});
      expect(page.data).toMatchObject({ loading: false, notFound: true, goods: null });
    });
  });

  describe('profile page', () => {
    it('should show the user and save the nickname from the nickname input, only when it changed', async () => {
      const mp = await launchExampleApp(t, 'o_ex_nick');
      const page = await mp.open(PROFILE);
      expect(page.data).toMatchObject({ loggedIn: true, user: { nickname: '', hasPhone: false } });

      await page.onNicknameBlur({ detail: { value: ' 小明 ' } });
      expect(page.data.user.nickname).toBe('小明');
      expect(server.to('PUT', '/api/users/me').map((r) => r.status)).toEqual([200]);

      await page.onNicknameBlur({ detail: { value: '小明' } });
      await page.onNicknameBlur({ detail: { value: '   ' } });
      await page.onNicknameBlur({ detail: { value: '长'.repeat(51) } });
      expect(page.data.message).toBe('昵称最多 50 个字');
      expect(server.to('PUT', '/api/users/me')).toHaveLength(1);
    });

    it('should bind the phone from the getPhoneNumber button, and say so when the user declines', async () => {
      const mp = await launchExampleApp(t, 'o_ex_phone');
      const page = await mp.open(PROFILE);
      await page.onGetPhoneNumber({ detail: { errMsg: 'getPhoneNumber:fail user deny' } });
      expect(page.data).toMatchObject({ message: '未授权手机号', busy: false });
      expect(server.to('POST', '/api/users/me/phone')).toHaveLength(0);

      await page.onGetPhoneNumber({ detail: { errMsg: 'getPhoneNumber:ok', code: t.fake.issuePhoneCode(CN) } });
      expect(page.data).toMatchObject({ message: '', user: { hasPhone: true, phone: '138****8000' } });
    });

    it('should log out (pair gone, session revoked) and log in again from its button', async () => {
      const mp = await launchExampleApp(t, 'o_ex_logout');
      const page = await mp.open(PROFILE);
      const before = storedPair(mp.shim)!;
      await page.onLogout();
      expect(page.data).toMatchObject({ loggedIn: false, user: null });
      expect(storedPair(mp.shim)).toBeNull();
      expect(mp.shim.ui.at(-1)).toMatchObject({ api: 'showToast', options: { title: '已退出登录' } });
      expect((await t.request('POST', '/api/auth/refresh', { body: { refreshToken: before.refreshToken } })).status).toBe(401);

      // Opening the page again keeps it logged out until the user taps the button.
      const again = await mp.open(PROFILE);
      expect(again.data.loggedIn).toBe(false);
      await again.onLogin();
      expect(again.data).toMatchObject({ loggedIn: true, user: { id: expect.any(String) } });
      expect(mp.shim.calls.login).toBe(2);
    });

    it('should show that a disabled account is disabled', async () => {
      const mp = await launchExampleApp(t, 'o_ex_disabled');
      const page = await mp.open(PROFILE);
      expect(page.data.loggedIn).toBe(true);
      const admin = await signInAccount(t, 'admin');
      const disabled = await t.request('PATCH', `/api/users/${page.data.user.id}`, { token: admin.token, body: { disabled: true } });
      expect(disabled.status).toBe(200);

      await page.onShow(); // the user comes back to the page
      expect(page.data).toMatchObject({ loggedIn: false, user: null, message: '账号已停用' });
      expect(storedPair(mp.shim)).toBeNull();
    });

    it('should upload the avatar chosen with chooseAvatar', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'wxmall-ex-')), 'tmp_avatar.png');
      writeFileSync(file, png(8, 8));
      const mp = await launchExampleApp(t, 'o_ex_avatar');
      const page = await mp.open(PROFILE);
      await page.onChooseAvatar({ detail: { avatarUrl: file } });
      expect(page.data).toMatchObject({ message: '', user: { avatarUrl: expect.stringMatching(/^https?:\/\//) } });
    });
  });
});
