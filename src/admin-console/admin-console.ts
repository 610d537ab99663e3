import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The staff console: a static single-page app (built from admin/ into dist/admin by
 * `npm run build`) that calls only the public API. Served at /admin, outside the /api prefix.
 */
export const ADMIN_PATH = 'admin';

/**
 * The console's own CSP (the API's forbids everything). Scripts and styles from the console
 * only — no inline script, no eval, no inline style — and Trusted Types, so an HTML string can
 * never become markup. Images may come from anywhere over http(s): goods images are URLs that
 * staff paste or that the media store (possibly a CDN) serves.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: http:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** True for /admin and everything under it. */
export function isAdminConsolePath(url: string): boolean {
  const path = url.split('?')[0];
  return path === `/${ADMIN_PATH}` || path.startsWith(`/${ADMIN_PATH}/`);
}

/** dist/admin of this checkout, found from wherever this file runs (src/ under the tests, dist/src/ when built). */
export function adminConsoleDir(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'wxmall-api') return join(dir, 'dist', ADMIN_PATH);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json of wxmall-api not found above the admin console module');
    dir = parent;
  }
}

/**
 * Serves the built console with @fastify/static: /admin redirects to /admin/, which serves
 * index.html. File names carry no hash, so every file is revalidated (ETag) on each load.
 * When the console is not built, /admin answers 503 saying so (and the start logs it), and
 * the API runs as usual.
 */
export async function setupAdminConsole(app: NestFastifyApplication, dir: string = adminConsoleDir()): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('AdminConsole').warn(`The staff console is not built (${dir} is missing): run \`npm run build\`. /admin answers 503 until then.`);
    const notBuilt = async (_request: unknown, reply: { status(code: number): { send(body: unknown): unknown } }) =>
      reply.status(503).send({
        statusCode: 503,
        message: 'The staff console is not built on this server: run `npm run build`',
        error: 'Service Unavailable',
        code: 'ADMIN_CONSOLE_NOT_BUILT',
      });
    const fastify = app.getHttpAdapter().getInstance();
    fastify.get(`/${ADMIN_PATH}`, notBuilt);
    fastify.get(`/${ADMIN_PATH}/*`, notBuilt);
    return;
  }
  // /admin → /admin/ (the page loads its modules by relative URLs). Done here rather than by
  // @fastify/static's `redirect`, which loops when the router ignores trailing slashes.
  app
    .getHttpAdapter()
    .getInstance()
    // A callback hook with a cheap test first: it runs on every request, API ones included.
    .addHook('onRequest', (request, reply, done) => {
      const url = request.url;
      if (url.startsWith(`/${ADMIN_PATH}`)) {
        const [path, query] = url.split('?', 2);
        if (path === `/${ADMIN_PATH}`) {
          reply.redirect(`/${ADMIN_PATH}/${query === undefined ? '' : `?${query}`}`, 301);
          return;
        }
      }
      done();
    });
  await app.register(fastifyStatic, {
    root: dir,
    prefix: `/${ADMIN_PATH}`,
    redirect: false,
    index: ['index.html'],
    // Swagger UI registers @fastify/static too: one reply decorator is enough.
    decorateReply: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders: (res) => res.header('cache-control', 'no-cache'),
  });
}
