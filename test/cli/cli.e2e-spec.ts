import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli';
import { passwordLogin } from '../support/factories';
import { TEST_JWT_SECRET, useTestApp } from '../support/test-app';

/** `npm run cli -- create-admin <username>`, run in-process against the test database. */
describe('operator CLI: create-admin', () => {
  const t = useTestApp();

  function io(answers: string[] = []) {
    const out: string[] = [];
    const err: string[] = [];
    const prompts: string[] = [];
    return {
      out,
      err,
      prompts,
      io: {
        out: (line: string) => out.push(line),
        err: (line: string) => err.push(line),
        promptSecret: async (question: string) => {
          prompts.push(question);
          return answers.shift() ?? '';
        },
      },
    };
  }
  const env = (extra: Record<string, string> = {}) => ({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: inject('databaseUrl'), ...extra });

  it('should create an admin with the password from ADMIN_PASSWORD, without prompting', async () => {
    const run = io();
    const code = await runCli(['create-admin', 'ops'], env({ ADMIN_PASSWORD: 'ops-password-1' }), run.io);
    expect(code).toBe(0);
    expect(run.prompts).toEqual([]);
    expect(run.out.join('\n')).toMatch(/created admin "ops"/);
    expect(run.out.join('\n')).not.toContain('ops-password-1');
    const pair = await passwordLogin(t, 'ops', 'ops-password-1');
    expect(pair.user.role).toBe('admin');
    // In the audit log as made by the system (no signed-in actor, no request).
    const audit = await t.dataSource.query(`SELECT actor_id, action, target_id, changes, request_id FROM audit_log`);
    expect(audit).toEqual([
      { actor_id: null, action: 'user.create', target_id: pair.user.id, changes: { username: [null, 'ops'], role: [null, 'admin'] }, request_id: null },
    ]);
  });

  it('should prompt twice when ADMIN_PASSWORD is unset, and refuse a mismatch', async () => {
    const mismatch = io(['first-password', 'other-password']);
    expect(await runCli(['create-admin', 'ops2'], env(), mismatch.io)).toBe(1);
    expect(mismatch.err.join('\n')).toMatch(/do not match/);
    expect(await t.dataSource.query(`SELECT 1 FROM users WHERE username = 'ops2'`)).toEqual([]);

    const ok = io(['typed-password', 'typed-password']);
    expect(await runCli(['create-admin', 'ops2'], env(), ok.io)).toBe(0);
    expect(ok.prompts).toHaveLength(2);
    expect((await passwordLogin(t, 'ops2', 'typed-password')).user.role).toBe('admin');
  });

  it('should never take a password from the command line', async () => {
    const run = io();
    expect(await runCli(['create-admin', 'ops3', 'secret-password'], env(), run.io)).toBe(2);
    expect(run.err.join('\n')).toMatch(/never read from the command line/);
    expect(await t.dataSource.query(`SELECT 1 FROM users WHERE username = 'ops3'`)).toEqual([]);
  });

  it('should refuse a bad username, a short password, and an existing account (unchanged)', async () => {
    expect(await runCli(['create-admin', 'a b'], env({ ADMIN_PASSWORD: 'long-enough' }), io().io)).toBe(2);
    expect(await runCli(['create-admin', 'ops4'], env(), io(['short', 'short']).io)).toBe(1);
    expect(await runCli(['create-admin', 'ops4'], env({ ADMIN_PASSWORD: 'short' }), io().io)).toBe(1);
    expect(await runCli([], env(), io().io)).toBe(2);

    expect(await runCli(['create-admin', 'ops5'], env({ ADMIN_PASSWORD: 'first-password' }), io().io)).toBe(0);
    const again = io();
    expect(await runCli(['create-admin', 'OPS5'], env({ ADMIN_PASSWORD: 'second-password' }), again.io)).toBe(1);
    expect(again.err.join('\n')).toMatch(/already exists/);
    await passwordLogin(t, 'ops5', 'first-password');
  });
});
