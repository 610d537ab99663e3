import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/openapi/openapi-document';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/miniprogram-types.mjs';
import { startTestApp, TestApp } from '../support/test-app';

const FIXTURE = resolve(__dirname, 'fixtures/typed-client.ts');

/** Type errors of these files compiled with api.d.ts under `strict`, the .d.ts itself checked too. */
function typeErrors(files: Record<string, string | null>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: ts.ScriptTarget.ES2017,
    lib: ['lib.es2017.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map(Object.entries(files).filter((e): e is [string, string] => e[1] !== null));
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => (virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, lang) : getSourceFile.call(host, f, lang, ...rest));
  const program = ts.createProgram([API_TYPES_FILE, ...Object.keys(files)], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('miniprogram/utils/api.d.ts', () => {
  let t: TestApp;
  let served: any;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.request('GET', '/docs-json');
    expect(res.status).toBe(200);
    served = res.body;
  });
  afterAll(async () => t.close());

  it('should be generated from the OpenAPI document the server serves (else: npm run miniprogram:types)', async () => {
    const current = readFileSync(API_TYPES_FILE, 'utf8');
    const expected = await renderApiTypes(served, current);
    expect(current.length).toBeGreaterThan(1000);
    expect(current === expected, 'api.d.ts is stale: run `npm run miniprogram:types`').toBe(true);
  });

  it('should notice a change of the document (the staleness check itself can fail)', async () => {
    const current = readFileSync(API_TYPES_FILE, 'utf8');
    const changed = structuredClone(served);
    changed.components.schemas.UserResponse.properties.nickname = { type: 'integer' };
    expect(await renderApiTypes(changed, current)).not.toBe(current);
  });

  it('should come from the same document the generator builds without a server', async () => {
    expect(JSON.parse(JSON.stringify(await buildOpenApiDocument()))).toEqual(served);
  });

  it('should type-check under strict, with a typed use of every helper', () => {
    expect(typeErrors({ [FIXTURE]: null })).toEqual([]);
  });

  it('should refuse a wrong use (the type check itself can fail)', () => {
    const wrong = resolve(__dirname, 'fixtures/wrong-use.ts');
    const errors = typeErrors({
      [wrong]: [
        "import { createApi, type WxApi } from '../../../miniprogram/utils/api.js';",
        'declare const wx: WxApi;',
        "const api = createApi({ baseUrl: 'x', wx });",
        'export const a = api.getGoods(42);',
        "export const b = api.listGoods({ ordering: 'cheapest' });",
        "export const c: Promise<number> = api.getMe();",
      ].join('\n'),
    });
    expect(errors).toHaveLength(3);
  });
});
