// Builds the staff console (admin/) into dist/admin: tsc compiles admin/src to native ES
// modules (the browser loads them as they are: no bundler), then the static files of
// admin/public are copied beside them. Part of `npm run build`; `npm start` runs it through
// ensure-build.js when dist/admin is missing or older than admin/.
const { cpSync, existsSync, readdirSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const source = join(root, 'admin');
const out = join(root, 'dist', 'admin');
const entry = join(out, 'index.html');

/** The latest modification time of any file below dir (ms). */
function newest(dir) {
  let latest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    latest = Math.max(latest, item.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** True when dist/admin is missing or older than a file of admin/. */
function adminIsStale() {
  if (!existsSync(entry)) return true;
  return statSync(entry).mtimeMs < newest(source);
}

function buildAdmin() {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(source, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  // index.html last: its time says when the build finished (adminIsStale).
  cpSync(join(source, 'public'), out, { recursive: true, filter: (path) => !path.endsWith('index.html') });
  cpSync(join(source, 'public', 'index.html'), entry);
}

module.exports = { adminIsStale, buildAdmin, adminDist: out, newest };

if (require.main === module) buildAdmin();
