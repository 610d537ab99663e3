// `npm start` runs this first: build when the compiled app is missing or older than the
// sources, so a fresh clone starts with `npm install && npm start`.
const { existsSync, statSync, readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');
const { adminIsStale, buildAdmin } = require('./build-admin');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'main.js');
const stamp = join(root, 'dist', '.build-stamp');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = existsSync(entry) && existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'admin')), statSync(join(root, 'package.json')).mtimeMs);
if (built < sources || adminIsStale()) {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    if (built) process.exit(0); // production install without dev tools: run what is built
    console.error('dist/ is missing and TypeScript is not installed: run `npm install` first');
    process.exit(1);
  }
  console.error('building wxmall-api…');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  // The staff console (/admin) is part of the build: a fresh clone serves it too.
  buildAdmin();
  writeFileSync(stamp, new Date().toISOString());
}
