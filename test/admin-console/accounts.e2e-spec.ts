import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdminBuilt, expectClean, launchBrowser, openPage, screenshot, signIn, WatchedPage } from '../support/browser';
import { insertAccount } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

// A real browser on a shared machine: generous time per test.
describe('staff console: sign-in and accounts', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    ensureAdminBuilt();
    t = await startTestApp();
    browser = await launchBrowser();
  });
  beforeEach(async () => t.reset());
  afterEach(async () => {
    for (const watched of pages.splice(0)) {
      await expectClean(watched);
      await watched.context.close();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page in a browser context of its own: its own sessionStorage, its own session. */
  const newPage = async () => {
    const watched = await openPage(browser);
    pages.push(watched);
    return watched.page;
  };
  const liveSessions = async (userId: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [userId]))[0].n;

  it('should disable a staff account from the users page, and that account’s next action fails', async () => {
    const admin = await insertAccount(t, { role: 'admin', username: 'root' });
    const staff = await insertAccount(t, { role: 'staff', username: 'alice' });
    const staffPage = await newPage();
    await signIn(staffPage, t.url, 'alice', staff.password);
    const adminPage = await newPage();
    await signIn(adminPage, t.url, 'root', admin.password);

    await adminPage.getByRole('link', { name: 'Users' }).click();
    await adminPage.getByRole('heading', { name: 'Users' }).waitFor();
    await adminPage.getByRole('button', { name: 'Disable alice' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Disable alice?' });
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await adminPage.getByText('alice is disabled.').waitFor();
    await adminPage.getByRole('button', { name: 'Enable alice' }).waitFor();
    expect((await t.dataSource.query(`SELECT disabled FROM users WHERE id = $1`, [staff.id]))[0].disabled).toBe(true);
    await screenshot(adminPage, 'admin-users.png');

    // The staff member's next action: the session is gone, the console says so.
    await staffPage.getByRole('button', { name: 'Apply' }).click();
    await staffPage.getByText('Your session has ended').waitFor();
    await staffPage.getByLabel('Username').waitFor();
    expect(await staffPage.evaluate(`sessionStorage.length + localStorage.length`)).toBe(0);
    await staffPage.getByLabel('Username').fill('alice');
    await staffPage.getByLabel('Password').fill(staff.password);
    await staffPage.getByRole('button', { name: 'Sign in' }).click();
    await staffPage.getByText('This account is disabled. Ask an admin to enable it.').waitFor();
    expect(await staffPage.getByText('Request id:').count()).toBe(1);

    // Enabled again, it can sign in.
    await adminPage.getByRole('button', { name: 'Enable alice' }).click();
    await adminPage.getByText('alice is enabled.').waitFor();
    await signIn(staffPage, t.url, 'alice', staff.password);
  });

  it('should show the LAST_ADMIN refusal plainly, and change nothing', async () => {
    const admin = await insertAccount(t, { role: 'admin', username: 'root' });
    const page = await newPage();
    await signIn(page, t.url, 'root', admin.password);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Role of root').selectOption('staff');
    await page.getByRole('button', { name: 'Change role' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'last enabled admin' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Make another account an admin first.');
    expect(await page.getByLabel('Role of root').inputValue()).toBe('admin');
    expect((await t.dataSource.query(`SELECT role FROM users WHERE id = $1`, [admin.id]))[0].role).toBe('admin');
  });

  it('should create staff accounts, with the server’s refusals at their fields, and change a role', async () => {
    const admin = await insertAccount(t, { role: 'admin', username: 'root' });
    const page = await newPage();
    await signIn(page, t.url, 'root', admin.password);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByText('Create a staff account').click();
    const form = page.locator('form.create-account');
    await form.getByLabel('Username').fill('bob');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Create account' }).click();
    const password = form.getByLabel('Password');
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await password.getAttribute('id')}-error`).textContent()).toMatch(/^Password must be longer than or equal to 8/);
    await password.fill('a-good-password');
    await form.getByLabel('Nickname').fill('小王');
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Created the staff account bob.').waitFor();
    await page.getByRole('button', { name: 'Disable bob' }).waitFor();
    const [bob] = await t.dataSource.query(`SELECT id, role, nickname FROM users WHERE username = 'bob'`);
    expect(bob).toMatchObject({ role: 'staff', nickname: '小王' });

    await form.getByLabel('Username').fill('BOB');
    await form.getByLabel('Password').fill('another-password');
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This username is already taken.').waitFor();

    // Search and filter, then promote.
    await page.getByLabel('Search').fill('小王');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('1 accounts · page 1 of 1').waitFor();
    await page.getByLabel('Role of bob').selectOption('admin');
    await page.getByRole('button', { name: 'Change role' }).click();
    await page.getByText('bob is now admin.').waitFor();
    expect((await t.dataSource.query(`SELECT role FROM users WHERE id = $1`, [bob.id]))[0].role).toBe('admin');
    const filters = page.getByRole('search', { name: 'Filter users' });
    await filters.getByLabel('Role').selectOption('staff');
    await filters.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No accounts match.').waitFor();
  });

  it('should tell a `user` account it has no access, and close the session it opened', async () => {
    const user = await insertAccount(t, { role: 'user', username: 'shopper' });
    const page = await newPage();
    await page.goto(`${t.url}/admin/`);
    await page.getByLabel('Username').fill('shopper');
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This account has no access to the staff console.').waitFor();
    expect(await page.getByRole('heading', { name: 'Goods' }).count()).toBe(0);
    expect(await page.evaluate(`sessionStorage.length + localStorage.length`)).toBe(0);
    await expect.poll(() => liveSessions(user.id)).toBe(0);
    await screenshot(page, 'admin-login.png');
  });

  it('should keep staff out of the admin pages', async () => {
    const staff = await insertAccount(t, { role: 'staff', username: 'alice' });
    const page = await newPage();
    await signIn(page, t.url, 'alice', staff.password);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Goods']);
    await page.goto(`${t.url}/admin/#/users`);
    await page.getByText('Users and the audit log are for admins.').waitFor();
  });

  it('should stay signed in across a reload (refresh token from sessionStorage), and sign out on the server', async () => {
    const staff = await insertAccount(t, { role: 'staff', username: 'alice' });
    const page = await newPage();
    await signIn(page, t.url, 'alice', staff.password);
    const before = await page.evaluate<string>(`sessionStorage.getItem('wxmall.admin.refreshToken')`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Goods' }).waitFor();
    // The reload had no access token: it refreshed, which rotated the refresh token.
    expect(await page.evaluate(`sessionStorage.getItem('wxmall.admin.refreshToken')`)).not.toBe(before);
    expect(await liveSessions(staff.id)).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(await liveSessions(staff.id)).toBe(0);
    expect(await page.evaluate(`sessionStorage.length + localStorage.length`)).toBe(0);
    await page.reload();
    await page.getByLabel('Username').waitFor();
  });
});
