import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { config as loadDotenv } from 'dotenv';
import { Client } from 'pg';
import { CliModule } from './cli.module';
import { buildDataSourceOptions } from './database/data-source-options';
import { migrateUnderLock } from './database/migrator';
import type { AppConfig } from './config/app-config';
import { ConfigError, loadCliConfig } from './config/load-config';
import { EmbeddedPostgres } from './dev/embedded-postgres';
import { DEV_DATA_DIR, devDatabaseUrl } from './dev/dev-runtime';
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_PATTERN } from './users/dto/user-accounts.dto';
import { UserAccountsService } from './users/user-accounts.service';
import { UsernameTakenError } from './users/users.errors';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks for a secret without echoing it. */
  promptSecret(question: string): Promise<string>;
}

const USAGE = `usage: node dist/src/cli.js <command>   (or npm run cli -- <command>)
  migrate                  apply pending migrations, under the migration lock (also: npm run migrate)
  create-admin <username>  create an admin account; the password comes from ADMIN_PASSWORD,
                           else from a prompt (never from the command line)
  The database is DATABASE_URL, else the embedded development database.`;

/** Runs one CLI command; returns the exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined> | undefined, io: CliIo): Promise<number> {
  if (argv[0] === 'migrate') return migrate(argv.slice(1), env, io);
  const [command, username, ...extra] = argv;
  if (command !== 'create-admin' || !username) {
    io.err(USAGE);
    return 2;
  }
  if (extra.length > 0) {
    io.err('create-admin takes only the username: the password is never read from the command line (use ADMIN_PASSWORD or the prompt)');
    return 2;
  }
  if (!USERNAME_PATTERN.test(username)) {
    io.err('the username must be 3-64 letters, digits or _.@-');
    return 2;
  }

  let settings: ReturnType<typeof loadCliConfig>;
  try {
    settings = loadCliConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }

  let password = settings.adminPassword;
  if (password === null) {
    password = await io.promptSecret(`Password for ${username}: `);
    const again = await io.promptSecret('Repeat it: ');
    if (password !== again) {
      io.err('the passwords do not match');
      return 1;
    }
  }
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    io.err(`the password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
    return 1;
  }

  const db = await resolveDatabase(settings.config);
  try {
    const context = await NestFactory.createApplicationContext(CliModule.forRoot({ ...settings.config, databaseUrl: db.url }), { logger: false });
    try {
      const admin = await context.get(UserAccountsService).createAdmin(username, password);
      io.out(`created admin "${admin.username}" (id ${admin.id}); log in with POST /api/auth/token`);
      return 0;
    } catch (err) {
      if (err instanceof UsernameTakenError) {
        io.err(`an account named "${username}" already exists; nothing was changed`);
        return 1;
      }
      throw err;
    } finally {
      await context.close();
    }
  } finally {
    await db.stop();
  }
}

/** `migrate`: applies what is pending under the migration lock, so it is safe beside starting instances. */
async function migrate(extra: string[], env: Record<string, string | undefined> | undefined, io: CliIo): Promise<number> {
  if (extra.length > 0) {
    io.err('migrate takes no arguments');
    return 2;
  }
  let config: AppConfig;
  try {
    config = loadCliConfig(env).config;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const db = await resolveDatabase(config);
  try {
    const applied = await migrateUnderLock(buildDataSourceOptions(db.url, { applicationName: 'wxmall-migrate' }));
    io.out(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'the schema is current: nothing to apply');
    return 0;
  } finally {
    await db.stop();
  }
}

/**
 * DATABASE_URL, else the embedded development database: the running one of `npm start`
 * when it answers, else started here for the command and stopped after it.
 */
async function resolveDatabase(config: AppConfig): Promise<{ url: string; stop: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  if (config.env === 'production') throw new Error('DATABASE_URL is required in production');
  try {
    const url = devDatabaseUrl(config.embeddedPgPort);
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
    return { url, stop: async () => undefined };
  } catch {
    const pg = new EmbeddedPostgres({ baseDir: DEV_DATA_DIR, port: config.embeddedPgPort, database: 'wxmall' });
    const url = await pg.start();
    return { url, stop: () => pg.stop() };
  }
}

/** Input typed (or piped) past the end of the previous answer. */
let pendingInput = '';

/** Reads a line from the terminal without echoing it; from a pipe, reads the next line. */
function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: string | null) => {
      stdin.removeListener('data', onData);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (result === null) reject(new Error('cancelled'));
      else resolve(result);
    };
    const consume = (text: string): boolean => {
      const chars = [...text];
      for (let i = 0; i < chars.length; i++) {
        const char = chars[i];
        if (char === '\r' || char === '\n') {
          pendingInput = chars.slice(i + (char === '\r' && chars[i + 1] === '\n' ? 2 : 1)).join('');
          finish(value);
          return true;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish(null); // Ctrl-C, Ctrl-D
          return true;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else value += char;
      }
      return false;
    };
    const onData = (chunk: Buffer) => void consume(chunk.toString('utf8'));
    const leftover = pendingInput;
    pendingInput = '';
    if (consume(leftover)) return;
    stdin.on('data', onData);
    stdin.once('end', () => finish(value || null));
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
  });
}

if (require.main === module) {
  loadDotenv({ quiet: true });
  runCli(process.argv.slice(2), undefined, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    promptSecret,
  }).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`cli failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
