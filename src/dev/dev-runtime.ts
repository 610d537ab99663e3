import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { EmbeddedPostgres } from './embedded-postgres';
import { DevWechatServer } from './dev-wechat.server';

/** Where `npm start` keeps the embedded PostgreSQL (its port is EMBEDDED_PG_PORT, see AppConfig). */
export const DEV_DATA_DIR = resolve(process.cwd(), '.data', 'postgres');
const DEV_WECHAT_APPID = 'wxdevfake00000000';

/** The URL of the embedded development database (while `npm start` runs it), for the TypeORM CLI. */
export function devDatabaseUrl(port: number): string {
  const password = readFileSync(resolve(DEV_DATA_DIR, 'password'), 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/wxmall`;
}

export interface Runtime {
  config: AppConfig;
  /** Stops what resolveRuntime started (embedded PostgreSQL, dev fake of WeChat). */
  stop(): Promise<void>;
}

/**
 * Fills in the development defaults a fresh machine needs: the embedded PostgreSQL when
 * DATABASE_URL is unset and the fake WeChat when WECHAT_APPID is unset. loadConfig has
 * already refused both in production.
 */
export async function resolveRuntime(config: AppConfig, logger = new Logger('Runtime')): Promise<Runtime> {
  const stops: (() => Promise<void>)[] = [];
  const resolved: AppConfig = { ...config, wechat: { ...config.wechat } };
  try {
    if (!resolved.databaseUrl) {
      if (config.env === 'production') throw new Error('embedded PostgreSQL refused in production');
      const pg = new EmbeddedPostgres({ baseDir: DEV_DATA_DIR, port: config.embeddedPgPort, database: 'wxmall', log: (m) => logger.log(m) });
      resolved.databaseUrl = await pg.start();
      stops.push(() => pg.stop());
    }
    if (!resolved.wechat.appid) {
      if (config.env === 'production') throw new Error('fake WeChat refused in production');
      const secret = randomBytes(16).toString('hex');
      const fake = new DevWechatServer({ appid: DEV_WECHAT_APPID, secret });
      const url = await fake.listen();
      resolved.wechat = { ...resolved.wechat, appid: DEV_WECHAT_APPID, secret, apiBase: url };
      stops.push(() => fake.close());
      logger.warn('!!! WECHAT_APPID is not set: logins are served by the built-in DEVELOPMENT FAKE of WeChat !!!');
      logger.warn(`!!! Any code logs in as openid "dev_<code>" (a long code: dev_<sha256>). Set WECHAT_APPID and WECHAT_SECRET for real logins. (fake at ${url}) !!!`);
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
  if (config.jwt.usingDevSecret) logger.warn('JWT_SECRET is not set: using the development default. Never do this in production.');
  if (!config.jwt.verifyExpiration) logger.warn('JWT_VERIFY_EXPIRATION=false: expired access tokens are accepted. Turn it back on.');
  return {
    config: resolved,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}
