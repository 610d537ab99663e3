import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import vm from 'node:vm';
import type * as Kit from '../../../miniprogram/utils/api.js';
import type { ShimClock, WxShim } from './wx-shim';

export type KitModule = typeof Kit;
export type KitApi = ReturnType<KitModule['createApi']>;

export const MINIPROGRAM_ROOT = resolve(__dirname, '../../../miniprogram');

export interface RuntimeOptions {
  shim: WxShim;
  clock?: ShimClock;
  /** Extra globals of the mini program's realm (App, Page, getApp for the example app). */
  globals?: Record<string, unknown>;
  /** Module exports by path under miniprogram/, used instead of the file (e.g. config.js). */
  overrides?: Record<string, unknown>;
}

interface LoadedModule {
  exports: any;
}

/**
 * One mini program's JavaScript realm, as WeChat runs it: one global scope holding `wx`,
 * `setTimeout` and `console` (plus what `globals` adds), in which every file is a CommonJS
 * module with its own `module`, `exports` and a `require` of paths relative to it. No Node
 * globals (process, Buffer, URL, fetch, …) exist here, so code that leans on them fails.
 */
export class MiniprogramRuntime {
  private readonly context: vm.Context;
  private readonly cache = new Map<string, LoadedModule>();

  constructor(private readonly options: RuntimeOptions) {
    this.context = vm.createContext({
      wx: options.shim.wx,
      setTimeout: options.clock?.setTimeout ?? setTimeout,
      console,
      ...options.globals,
    });
  }

  /** Runs the file at this path under miniprogram/ (once; `fresh` loads another copy). */
  require(path: string, fresh = false): any {
    const file = this.resolveFile(path);
    const key = relative(MINIPROGRAM_ROOT, file);
    if (key in (this.options.overrides ?? {})) return this.options.overrides![key];
    const cached = this.cache.get(key);
    if (cached && !fresh) return cached.exports;
    const module: LoadedModule = { exports: {} };
    if (!fresh) this.cache.set(key, module);
    const wrapper = new vm.Script(`(function (module, exports, require) {${readFileSync(file, 'utf8')}\n})`, { filename: file });
    const fn = wrapper.runInContext(this.context) as (m: LoadedModule, e: unknown, r: (p: string) => unknown) => void;
    fn.call(module.exports, module, module.exports, (p: string) => this.require(join(dirname(key), p)));
    return module.exports;
  }

  /** The kit as a page would get it: `require('utils/api.js')`. */
  loadKit(fresh = false): KitModule {
    return this.require('utils/api.js', fresh);
  }

  private resolveFile(path: string): string {
    const file = resolve(MINIPROGRAM_ROOT, normalize(path).replace(/^\/+/, ''));
    if (!file.startsWith(MINIPROGRAM_ROOT)) throw new Error(`${path} is outside miniprogram/`);
    return file.endsWith('.js') ? file : `${file}.js`;
  }
}
