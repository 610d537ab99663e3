// `npm start`, `npm run migrate` and `npm run cli` run this first: build when the compiled app
// is missing or older than the sources, so a fresh clone starts with `npm install && npm start`.
// Where there is nothing to build with (the production image: no src/, no TypeScript) and the
// compiled app is there, it does nothing: the image runs what it was built with.
const { existsSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'main.js');
const stamp = join(root, 'dist', '.build-stamp');
const sourceDir = join(root, 'src');

function typescript() {
  try {
    return require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return null;
  }
}

const tsc = existsSync(sourceDir) ? typescript() : null;
if (!tsc) {
  if (existsSync(entry)) process.exit(0); // an image or a production install: run what is built
  console.error('dist/ is missing and TypeScript is not installed: run `npm install` first');
  process.exit(1);
}

// Only where there is something to build (never in the image).
const { adminIsStale, buildAdmin, newest } = require('./build-admin');
const built = existsSync(entry) && existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(newest(sourceDir), newest(join(root, 'admin')), statSync(join(root, 'package.json')).mtimeMs);
if (built < sources || adminIsStale()) {
  console.error('building wxmall-api…');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  // The staff console (/admin) is part of the build: a fresh clone serves it too.
  buildAdmin();
  writeFileSync(stamp, new Date().toISOString());
}
