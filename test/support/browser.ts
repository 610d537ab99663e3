import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, ConsoleMessage, Page } from 'playwright-core';
import { expect } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
/**
 * Where the browser tests write their screenshots: `.data/screenshots/` on every run (ignored
 * by git), and docs/images (which docs/admin-console.md shows) with UPDATE_SCREENSHOTS=1, so an
 * ordinary test run leaves the tree as it was.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'images') : join(ROOT, '.data', 'screenshots');

const build = createRequire(__filename)(join(ROOT, 'scripts', 'build-admin.js')) as { adminIsStale(): boolean; buildAdmin(): void };

/** Builds dist/admin when it is missing or older than admin/ (the app serves whatever is built). */
export function ensureAdminBuilt(): void {
  if (build.adminIsStale()) build.buildAdmin();
}

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). */
function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: `apt-get update && apt-get install -y chromium` (see .ci/run)');
  }
}

/**
 * Real headless Chromium. Playwright gives each launch a fresh temporary --user-data-dir of
 * its own (and refuses one in `args`); each context is a separate, empty session.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Problems {
  cspViolations: string[];
  pageErrors: string[];
}

/** A page that records CSP violations and uncaught errors, for `expectClean`. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  problems(): Promise<Problems>;
}

export async function openPage(browser: Browser, options: { width?: number; height?: number } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 860 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  // Runs before the console's own scripts, through the DevTools protocol (outside the page's CSP).
  await context.addInitScript({
    content: `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  // Chromium also logs each CSP refusal to the console; those messages outlive a reload.
  const cspMessages: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error' && /Content Security Policy|Trusted Type/i.test(msg.text())) cspMessages.push(msg.text());
  });
  return {
    page,
    context,
    async problems() {
      const reported = await page.evaluate<string[]>('window.__csp || []').catch(() => [] as string[]);
      return { cspViolations: [...reported, ...cspMessages], pageErrors: [...pageErrors] };
    },
  };
}

/** No CSP violation and no uncaught error on this page so far. */
export async function expectClean(watched: WatchedPage): Promise<void> {
  expect(await watched.problems()).toEqual({ cspViolations: [], pageErrors: [] });
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: options.fullPage ?? true, animations: 'disabled', caret: 'hide' });
}

/** Signs in through the console's form and waits for the goods page. */
export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/admin/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Goods' }).waitFor();
}
