import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdminBuilt, expectClean, launchBrowser, openPage, screenshot, signIn, WatchedPage } from '../support/browser';
import { insertAccount, insertGoods, signInAccount } from '../support/factories';
import { pngImage } from '../support/images';
import { startTestApp, TestApp } from '../support/test-app';

const NAME = '烟台苹果 5kg';

// A real browser on a shared machine: generous time per test.
describe('staff console: goods', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let watched: WatchedPage;
  let staff: { id: string; username: string; password: string };

  beforeAll(async () => {
    ensureAdminBuilt();
    t = await startTestApp();
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    await t.reset();
    staff = await insertAccount(t, { role: 'staff', username: 'alice' });
    watched = await openPage(browser);
  });
  afterEach(async () => watched?.context.close());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const goodsNamed = async (name: string): Promise<{ id: string; price: string; stock: number; version: number; image_url: string | null }[]> =>
    t.dataSource.query(`SELECT id, price::text AS price, stock, version, image_url FROM goods WHERE name = $1`, [name]);

  it('should let staff create, find, edit through a version conflict, and delete a product', async () => {
    const { page } = watched;
    await insertGoods(t, [
      { name: '香蕉 1kg', price: '12.80', stock: 40, category: '水果' },
      { name: '青苹 干', price: '8.00', stock: 5, category: '零食' },
      { name: '果苹汁', price: '6.50', stock: 0, category: '饮料', onSale: false },
    ]);
    await signIn(page, t.url, 'alice', staff.password);
    // The refresh token is in sessionStorage, nothing in localStorage.
    expect(await page.evaluate(`[sessionStorage.getItem('wxmall.admin.refreshToken') !== null, localStorage.length]`)).toEqual([true, 0]);
    await expect.poll(() => page.getByRole('row').count()).toBe(4);
    await screenshot(page, 'admin-goods.png');

    // Create: the server's validation message appears at its field.
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByRole('heading', { name: 'New product' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(NAME);
    await page.getByLabel('Price', { exact: true }).fill('-1');
    await page.getByLabel('Stock', { exact: true }).fill('12');
    await page.getByLabel('Category', { exact: true }).fill('水果');
    await page.getByRole('button', { name: 'Create product' }).click();
    const price = page.getByLabel('Price', { exact: true });
    await expect.poll(() => price.getAttribute('aria-invalid')).toBe('true');
    const priceError = page.locator(`#${await price.getAttribute('id')}-error`);
    expect(await priceError.textContent()).toMatch(/^Price must/);
    expect(await goodsNamed(NAME)).toEqual([]);

    // The first answer is lost on the way back (the product was created); trying again with
    // the same form sends the same Idempotency-Key, so the server answers the same product.
    const keys: string[] = [];
    let dropped = false;
    await page.route('**/api/goods', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      keys.push(request.headers()['idempotency-key']);
      if (dropped) return route.continue();
      dropped = true;
      await route.fetch();
      return route.abort('connectionreset');
    });
    await price.fill('39.90');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByText('The server could not be reached').waitFor();
    expect(await goodsNamed(NAME)).toHaveLength(1);
    await page.getByRole('button', { name: 'Create product' }).dblclick();
    await page.getByRole('heading', { name: `Edit “${NAME}”` }).waitFor();
    await page.getByText(`Created “${NAME}”.`).waitFor();
    expect(await goodsNamed(NAME)).toHaveLength(1);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    const [created] = await goodsNamed(NAME);
    expect(created).toMatchObject({ price: '39.90', stock: 12, version: 1 });
    await page.unroute('**/api/goods');

    // Find it by a two-character Chinese search.
    await page.getByRole('link', { name: 'Back to the list' }).click();
    await page.getByLabel('Search name').fill('苹果');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('of 1 goods').waitFor();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(NAME);

    // Edit while someone else saves the same product: 409, their change is shown.
    await page.getByRole('link', { name: `Edit ${NAME}` }).click();
    await page.getByRole('heading', { name: `Edit “${NAME}”` }).waitFor();
    await page.getByLabel('Price', { exact: true }).fill('35');
    const other = await signInAccount(t, 'staff', 'bob');
    const theirs = await t.request('PATCH', `/api/goods/${created.id}`, { token: other.token, body: { stock: 99, version: 1 } });
    expect(theirs.status).toBe(200);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByRole('region', { name: 'Someone else changed this product' });
    await conflict.waitFor();
    const stockRow = conflict.getByRole('table', { name: 'Their changes' }).getByRole('row', { name: /Stock/ });
    expect((await stockRow.textContent())?.replace(/\s+/g, ' ')).toBe('Stock1299');
    const mineRow = conflict.getByRole('table', { name: 'Your unsaved edits' }).getByRole('row', { name: /Price/ });
    expect(await mineRow.textContent()).toBe('Price39.935');
    expect(await goodsNamed(NAME)).toEqual([expect.objectContaining({ price: '39.90', stock: 99, version: 2 })]);
    await screenshot(page, 'admin-goods-conflict.png');
    await conflict.getByRole('button', { name: 'Reload their version' }).click();
    await expect.poll(() => page.getByLabel('Stock', { exact: true }).inputValue()).toBe('99');
    expect(await page.getByLabel('Price', { exact: true }).inputValue()).toBe('39.9');
    await page.getByLabel('Price', { exact: true }).fill('35');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(`Saved “${NAME}” (version 3).`).waitFor();
    expect(await goodsNamed(NAME)).toEqual([expect.objectContaining({ price: '35.00', stock: 99, version: 3 })]);

    // Delete, after a confirmation (a first Cancel deletes nothing).
    await page.getByRole('button', { name: `Delete ${NAME}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await goodsNamed(NAME)).toHaveLength(1);
    await page.getByRole('button', { name: `Delete ${NAME}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText(`Deleted “${NAME}”.`).waitFor();
    await page.getByText('No goods match these filters.').waitFor();
    expect(await goodsNamed(NAME)).toEqual([]);
    await expectClean(watched);
  });

  it('should page with the cursor and say 10,000+ when the total is capped', async () => {
    const { page } = watched;
    await t.dataSource.query(
      `INSERT INTO goods (name, price, stock) SELECT '商品 ' || lpad(i::text, 5, '0'), 1, i FROM generate_series(1, 10001) AS i`,
    );
    await signIn(page, t.url, 'alice', staff.password);
    await page.getByText('Showing 1–20 of 10,000+ goods').waitFor();
    await page.getByLabel('Order by').selectOption('name');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Showing 1–20 of 10,000+ goods').waitFor();
    expect(await page.locator('tbody tr').first().textContent()).toContain('商品 00001');
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByText('Showing 21–40 of 10,000+ goods').waitFor();
    expect(await page.locator('tbody tr').first().textContent()).toContain('商品 00021');
    await page.getByRole('button', { name: '← Previous' }).click();
    await page.getByText('Showing 1–20 of 10,000+ goods').waitFor();
    await expectClean(watched);
  });

  it('should be usable by keyboard alone, and show the server’s errors at the fields', async () => {
    const { page } = watched;
    await page.goto(`${t.url}/admin/`);
    await page.getByLabel('Username').waitFor();
    await expect.poll(() => page.evaluate(`document.activeElement && document.activeElement.name`)).toBe('username');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await page.keyboard.type(staff.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Goods' }).waitFor();
    // Tab from the page heading to "New product" and open it.
    for (let i = 0; i < 20 && (await page.evaluate(`document.activeElement && document.activeElement.textContent`)) !== 'New product'; i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New product' }).waitFor();
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.press('Enter');
    const name = page.getByLabel('Name', { exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await name.getAttribute('id')}-error`).textContent()).toMatch(/^Name /);
    expect(await page.evaluate(`document.activeElement && document.activeElement.name`)).toBe('name');
    await expectClean(watched);
  });

  it.each([
    [1280, 860],
    [820, 1180],
  ])('should fit a %i px wide window without sideways scrolling', async (width, height) => {
    await watched.context.close();
    watched = await openPage(browser, { width, height });
    const { page } = watched;
    await insertGoods(t, [{ name: '一个名字相当长的商品，用来看看表格在窄屏上会不会把页面撑宽', price: '99999999.99', stock: 2147483647, category: '一个很长的分类名称' }]);
    await signIn(page, t.url, 'alice', staff.password);
    await page.locator('tbody tr').first().waitFor();
    const fits = `document.documentElement.scrollWidth <= document.documentElement.clientWidth`;
    expect(await page.evaluate(fits)).toBe(true);
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByRole('heading', { name: 'New product' }).waitFor();
    expect(await page.evaluate(fits)).toBe(true);
    if (width < 1000) await screenshot(page, 'admin-goods-new-tablet.png');
    await expectClean(watched);
  });

  it('should upload a cover and gallery images with previews, and save them with the product', async () => {
    const { page } = watched;
    await signIn(page, t.url, 'alice', staff.password);
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('Name', { exact: true }).fill('有图的商品');
    await page.getByLabel('Price', { exact: true }).fill('9.9');
    await page.locator('input[type=file]').first().setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: pngImage(40, 30) });
    await expect.poll(() => page.getByLabel('Cover image URL').inputValue()).toMatch(/^https?:\/\//);
    await page.locator('input[type=file]').nth(1).setInputFiles([
      { name: 'a.png', mimeType: 'image/png', buffer: pngImage(20, 20) },
      { name: 'b.png', mimeType: 'image/png', buffer: pngImage(30, 20) },
    ]);
    await expect.poll(() => page.getByRole('list', { name: 'Gallery images' }).getByRole('img').count()).toBe(2);
    // The previews are the stored images, loaded from the server.
    await expect.poll(() => page.getByAltText('Cover image preview').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(40);
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('heading', { name: 'Edit “有图的商品”' }).waitFor();
    const [row] = await goodsNamed('有图的商品');
    const saved = await t.request('GET', `/api/goods/${row.id}`, { token: (await signInAccount(t, 'staff')).token });
    expect(saved.body.imageUrl).toMatch(/^https?:\/\//);
    expect(saved.body.images).toHaveLength(2);
    await screenshot(page, 'admin-goods-images.png');
    await expectClean(watched);
  });
});
