import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CSP } from '../../src/admin-console/admin-console';
import { ensureAdminBuilt, expectClean, launchBrowser, openPage } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';

describe('staff console serving', () => {
  let t: TestApp;

  beforeAll(async () => {
    ensureAdminBuilt();
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const get = (path: string) => fetch(t.url + path, { redirect: 'manual' });

  it('should redirect /admin to /admin/ and serve the page there, outside the /api prefix', async () => {
    const bare = await get('/admin');
    expect(bare.status).toBeGreaterThanOrEqual(301);
    expect(bare.status).toBeLessThanOrEqual(308);
    expect(bare.headers.get('location')).toBe('/admin/');
    const page = await get('/admin/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="main.js"></script>');
    expect((await get('/api/admin/')).status).toBe(404);
  });

  it('should give every console file the console CSP: scripts from itself only, no inline script, no eval, no framing', async () => {
    for (const path of ['/admin/', '/admin/main.js', '/admin/app.css']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy');
      expect(csp, path).toBe(ADMIN_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    expect(ADMIN_CSP).toContain("script-src 'self'");
    expect(ADMIN_CSP).toContain("frame-ancestors 'none'");
    expect(ADMIN_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    const js = await get('/admin/main.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('should leave the API its own CSP', async () => {
    const res = await get('/api/health/live');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).not.toBe(ADMIN_CSP);
  });

  it('should answer an unknown console file with 404', async () => {
    expect((await get('/admin/nope.js')).status).toBe(404);
    expect((await get('/admin/../package.json')).status).not.toBe(200);
  });

  it('should not serve the console with ADMIN_CONSOLE=false', async () => {
    const off = await startTestApp({ env: { ADMIN_CONSOLE: 'false' } });
    try {
      const res = await fetch(`${off.url}/admin/`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-security-policy')).not.toBe(ADMIN_CSP);
    } finally {
      await off.close();
    }
  });

  it('should notice a CSP violation (the check the browser tests rely on can fail)', { timeout: 90_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const watched = await openPage(browser);
      await watched.page.goto(`${t.url}/admin/`);
      await watched.page.getByLabel('Username').waitFor();
      await expectClean(watched);
      // An inline script, as an injected one would be: refused by the CSP, and reported.
      await watched.page.evaluate(`(() => { const s = document.createElement('script'); try { s.text = 'window.__ran = 1'; } catch {} document.body.append(s); })()`);
      await expect.poll(async () => (await watched.problems()).cspViolations.length).toBeGreaterThan(0);
      expect(await watched.page.evaluate('window.__ran')).toBeUndefined();
    } finally {
      await browser.close();
    }
  });
});
