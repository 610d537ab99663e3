import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the specs with legacy decorators and their metadata, which Nest's DI and
// class-validator need (esbuild, Vitest's default, drops the metadata).
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    reporters: ['default'],
    setupFiles: ['reflect-metadata'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.spec.ts', 'admin/src/**/*.spec.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          // The files share one database that each test truncates: run them one at a time.
          fileParallelism: false,
          pool: 'forks',
          // One worker keeps its loaded modules from file to file: each file still starts its
          // own app (test/support/test-app.ts), but Nest, TypeORM and the app's modules are
          // loaded once per run, not once per file (about 1.5 s a file).
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
