import { Node, parse } from 'acorn';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIPROGRAM_ROOT } from '../support/miniprogram/runtime';

/** Every .js file of the example mini program, the kit first. */
function miniprogramFiles(dir = MINIPROGRAM_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? miniprogramFiles(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []))
    .sort((a, b) => Number(b.endsWith('utils/api.js')) - Number(a.endsWith('utils/api.js')) || a.localeCompare(b));
}

const parse2017 = (code: string) => parse(code, { ecmaVersion: 2017, sourceType: 'script' });

/**
 * Library methods and globals newer than ES2017, or not in WeChat's runtime at all (Node and
 * browser globals). acorn checks the syntax; these are the APIs it cannot see.
 */
const LATER_METHODS = ['finally', 'flat', 'flatMap', 'fromEntries', 'allSettled', 'any', 'matchAll', 'replaceAll', 'at', 'trimStart', 'trimEnd', 'hasOwn', 'asyncIterator'];
const FOREIGN_GLOBALS = [
  'globalThis',
  'queueMicrotask',
  'structuredClone',
  'AbortController',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'Buffer',
  'process',
  'fetch',
  'window',
  'document',
  'localStorage',
  'XMLHttpRequest',
  'BigInt',
  'WeakRef',
];

function namesIn(ast: Node): { identifiers: Set<string>; properties: Set<string> } {
  const identifiers = new Set<string>();
  const properties = new Set<string>();
  const visit = (node: any, parent: any) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Identifier') {
      const isProperty = (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) || (parent?.type === 'Property' && parent.key === node);
      (isProperty ? properties : identifiers).add(node.name);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      if (Array.isArray(value)) value.forEach((child) => visit(child, node));
      else if (value && typeof value === 'object') visit(value, node);
    }
  };
  visit(ast, null);
  return { identifiers, properties };
}

describe('mini program code runs in WeChat’s runtime (ES2017)', () => {
  const files = miniprogramFiles();

  it('should find the kit and the example pages', () => {
    const names = files.map((f) => relative(MINIPROGRAM_ROOT, f));
    expect(names[0]).toBe('utils/api.js');
    expect(names).toEqual(expect.arrayContaining(['app.js', 'pages/goods-list/index.js', 'pages/goods-detail/index.js', 'pages/profile/index.js']));
  });

  it('should refuse syntax newer than ES2017 (the check itself can fail)', () => {
    for (const later of ['a?.b', 'a ?? b', 'x = {...y}', 'try {} catch {}', 'async function f() { for await (const x of y) {} }', '/(?<n>a)/']) {
      expect(() => parse2017(later), later).toThrow();
    }
    expect(() => parse2017('async function f() { await g(); return `${1 ** 2}`; }')).not.toThrow();
  });

  it.each(miniprogramFiles().map((f) => [relative(MINIPROGRAM_ROOT, f), f]))('%s should parse as ES2017', (_name, file) => {
    expect(() => parse2017(readFileSync(file, 'utf8'))).not.toThrow();
  });

  it.each(miniprogramFiles().map((f) => [relative(MINIPROGRAM_ROOT, f), f]))('%s should use no later or foreign APIs', (_name, file) => {
    const { identifiers, properties } = namesIn(parse2017(readFileSync(file, 'utf8')));
    expect([...properties].filter((p) => LATER_METHODS.includes(p))).toEqual([]);
    expect([...identifiers].filter((i) => FOREIGN_GLOBALS.includes(i))).toEqual([]);
  });

  it('should catch a later API in code (the API check itself can fail)', () => {
    const { identifiers, properties } = namesIn(parse2017('p.then(f).finally(g); const u = new URL(x); [1].flat();'));
    expect([...properties].filter((p) => LATER_METHODS.includes(p)).sort()).toEqual(['finally', 'flat']);
    expect([...identifiers].filter((i) => FOREIGN_GLOBALS.includes(i))).toEqual(['URL']);
  });

  it('should keep the kit one self-contained CommonJS file: no require, module.exports of createApi and ApiError', () => {
    const source = readFileSync(files[0], 'utf8');
    const { identifiers } = namesIn(parse2017(source));
    expect(identifiers.has('require')).toBe(false);
    expect(source).toMatch(/module\.exports = \{ createApi: createApi, ApiError: ApiError/);
  });
});
