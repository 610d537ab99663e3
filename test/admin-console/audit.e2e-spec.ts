import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../src/audit/audit-entry';
import { AuditRepository } from '../../src/audit/audit.repository';
import { ensureAdminBuilt, expectClean, launchBrowser, openPage, screenshot, signIn, WatchedPage } from '../support/browser';
import { insertAccount, signInAccount } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const GOODS_ID = '0a0a0a0a-0000-4000-8000-00000000000a';

// A real browser on a shared machine: generous time per test.
describe('staff console: audit log', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let watched: WatchedPage;
  let admin: { id: string; username: string; password: string };

  beforeAll(async () => {
    ensureAdminBuilt();
    t = await startTestApp();
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    await t.reset();
    admin = await insertAccount(t, { role: 'admin', username: 'root' });
    watched = await openPage(browser);
  });
  afterEach(async () => {
    await expectClean(watched);
    await watched.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const record = (actorId: string, requestId: string, entries: NewAuditEntry[]) =>
    t.dataSource.transaction(async (tx) => {
      for (const entry of entries) await t.app.get(AuditRepository).record(tx, { actorId, requestId }, entry);
    });

  it('should list the log newest first, page through it and filter it', async () => {
    const staff = await insertAccount(t, { role: 'staff', username: 'alice' });
    await record(
      staff.id,
      'req-price',
      Array.from({ length: 55 }, (_, i) => ({ action: 'goods.update' as const, targetType: 'goods' as const, targetId: GOODS_ID, changes: { price: [i, i + 1] as [number, number] } })),
    );
    await record(admin.id, 'req-disable', [{ action: 'user.disable', targetType: 'user', targetId: staff.id, changes: { disabled: [false, true] } }]);
    const { page } = watched;
    await signIn(page, t.url, 'root', admin.password);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByText('Page 1, newest first').waitFor();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(50);
    const first = (await rows.first().textContent()) ?? '';
    expect(first).toContain('you');
    expect(first).toContain('Account disabled');
    expect(first).toContain('disabledno → yes');
    expect(first).toContain('req-disable');
    await screenshot(page, 'admin-audit.png', { fullPage: false });
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 2, newest first').waitFor();
    expect(await rows.count()).toBe(6);
    expect(await page.getByRole('button', { name: 'Older →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.getByText('Page 1, newest first').waitFor();

    await page.getByLabel('Action').selectOption('user.disable');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Actor (user id)').fill('not-an-id');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('actor must be a user id').first().waitFor();
    expect(await page.getByLabel('Actor (user id)').getAttribute('aria-invalid')).toBe('true');
  });

  it('should list the actions just made in the console', async () => {
    const probe = await signInAccount(t, 'staff');
    const { page } = watched;
    await signIn(page, t.url, 'root', admin.password);
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('Name', { exact: true }).fill('审计苹果');
    await page.getByLabel('Price', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('heading', { name: 'Edit “审计苹果”' }).waitFor();
    await page.getByLabel('Price', { exact: true }).fill('12.5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved “审计苹果” (version 2).').waitFor();
    await page.getByRole('button', { name: 'Delete 审计苹果' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Deleted “审计苹果”.').waitFor();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: `Disable ${probe.username}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await page.getByText(`${probe.username} is disabled.`).waitFor();

    await page.getByRole('link', { name: 'Audit log' }).click();
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    const mine = (await rows.allTextContents()).filter((r) => r.includes('you'));
    expect(mine.map((r) => ['Account disabled', 'Product deleted', 'Product changed', 'Product created'].find((a) => r.includes(a)))).toEqual([
      'Account disabled',
      'Product deleted',
      'Product changed',
      'Product created',
    ]);
    expect(mine[2]).toContain('price10 → 12.5');
    await screenshot(page, 'admin-audit.png', { fullPage: false });
  });
});
