import type { TestApp } from '../test-app';
import { MiniprogramRuntime } from './runtime';
import { ShimClock, WxShim } from './wx-shim';

type Handler = (...args: any[]) => any;

/** A page instance as WeChat makes one from Page(options): its data, setData and the handlers. */
export interface PageInstance {
  data: Record<string, any>;
  setData(patch: Record<string, unknown>, callback?: () => void): void;
  [handler: string]: any;
}

export interface ExampleApp {
  shim: WxShim;
  runtime: MiniprogramRuntime;
  /** The App() instance after onLaunch (holds `api` and the `ready` promise). */
  app: Record<string, any>;
  /** Opens a page as WeChat would: a new instance, then onLoad(query) and onShow(); resolves with their promises settled. */
  open(route: string, query?: Record<string, string>): Promise<PageInstance>;
}

/**
 * The example mini program (miniprogram/) running in one realm with the wx shim, App, Page
 * and getApp, and config.js pointing at the test app. What the pages do goes through the
 * real kit to the real server.
 */
export async function launchExampleApp(t: TestApp, openid: string, options: { clock?: ShimClock } = {}): Promise<ExampleApp> {
  const shim = new WxShim({ fake: t.fake, openid });
  const pages = new Map<string, Record<string, unknown>>();
  let loading: string | null = null;
  let appOptions: Record<string, any> | null = null;
  const runtime = new MiniprogramRuntime({
    shim,
    clock: options.clock,
    globals: {
      App: (o: Record<string, any>) => {
        appOptions = o;
      },
      Page: (o: Record<string, unknown>) => {
        if (!loading) throw new Error('Page() called outside a page file');
        pages.set(loading, o);
      },
      getApp: () => appOptions,
      getCurrentPages: () => [],
    },
    overrides: { 'config.js': { apiBaseUrl: t.url } },
  });
  runtime.require('app.js');
  if (!appOptions) throw new Error('app.js did not call App()');
  const app: Record<string, any> = appOptions;
  app.onLaunch?.({ path: 'pages/goods-list/index', query: {}, scene: 1001 });
  await app.ready;

  return {
    shim,
    runtime,
    app,
    async open(route, query = {}) {
      if (!pages.has(route)) {
        loading = route;
        try {
          runtime.require(`${route}.js`);
        } finally {
          loading = null;
        }
      }
      const definition = pages.get(route);
      if (!definition) throw new Error(`${route}.js did not call Page()`);
      const page = newPage(definition);
      await page.onLoad?.(query);
      await page.onShow?.();
      return page;
    },
  };
}

function newPage(definition: Record<string, unknown>): PageInstance {
  const page: PageInstance = {
    ...(definition as Record<string, Handler>),
    // WeChat copies data in and out as JSON: what a page keeps must survive that.
    data: JSON.parse(JSON.stringify(definition.data ?? {})),
    setData(patch, callback) {
      for (const [key, value] of Object.entries(JSON.parse(JSON.stringify(patch)))) {
        if (key.includes('.') || key.includes('[')) throw new Error(`the shim's setData takes top-level keys only (${key})`);
        page.data[key] = value;
      }
      callback?.();
    },
  };
  return page;
}
