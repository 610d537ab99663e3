// Regenerates the OpenAPI part of miniprogram/utils/api.d.ts from the app's OpenAPI document.
//
//   npm run miniprogram:types            rewrite the file
//   npm run miniprogram:types -- --check exit 1 when the file is stale
//
// The document is built from the compiled app without a database (src/openapi/openapi-document.ts);
// test/miniprogram/api-types.e2e-spec.ts checks the file against the document a running app serves.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const API_TYPES_FILE = resolve(ROOT, 'miniprogram/utils/api.d.ts');
export const BEGIN_MARK = '// ---- BEGIN GENERATED from the OpenAPI document by `npm run miniprogram:types`; do not edit by hand ----';
export const END_MARK = '// ---- END GENERATED ----';

/** The TypeScript that openapi-typescript makes of the document: `paths`, `components`, `operations`. */
export async function renderOpenApiTypes(document) {
  const ast = await openapiTS(JSON.parse(JSON.stringify(document)), { silent: true });
  return astToString(ast).trim();
}

/** The api.d.ts text with its generated part made from this document (the hand-written part is kept). */
export async function renderApiTypes(document, currentText) {
  const begin = currentText.indexOf(BEGIN_MARK);
  const end = currentText.indexOf(END_MARK);
  if (begin < 0 || end < begin) throw new Error(`api.d.ts lacks the ${BEGIN_MARK} … ${END_MARK} markers`);
  const generated = await renderOpenApiTypes(document);
  return `${currentText.slice(0, begin)}${BEGIN_MARK}\n${generated}\n${currentText.slice(end)}`;
}

async function main(argv) {
  const require = createRequire(import.meta.url);
  require('reflect-metadata');
  let build;
  try {
    build = require(resolve(ROOT, 'dist/src/openapi/openapi-document.js'));
  } catch (err) {
    throw new Error(`dist/ has no openapi-document.js: run \`npm run build\` first (${err.message})`);
  }
  const document = await build.buildOpenApiDocument();
  const current = await readFile(API_TYPES_FILE, 'utf8');
  const next = await renderApiTypes(document, current);
  if (argv.includes('--check')) {
    if (next !== current) {
      console.error('miniprogram/utils/api.d.ts is stale: run `npm run miniprogram:types`');
      return 1;
    }
    console.log('miniprogram/utils/api.d.ts is up to date');
    return 0;
  }
  if (next === current) {
    console.log('miniprogram/utils/api.d.ts is up to date');
  } else {
    await writeFile(API_TYPES_FILE, next);
    console.log('miniprogram/utils/api.d.ts regenerated');
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
