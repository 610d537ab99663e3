import 'reflect-metadata';
import 'dotenv/config';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/load-config';
import { buildDataSourceOptions } from './src/database/data-source-options';

/**
 * The TypeORM CLI's data source (`npm run migration:run`, `migration:generate`). It needs a
 * running database: DATABASE_URL, or the embedded one while `npm start` is running
 * (postgres://postgres@127.0.0.1:54329/wxmall, see README).
 */
const config = loadConfig();
export default new DataSource(
  buildDataSourceOptions(config.databaseUrl ?? 'postgres://postgres:postgres@127.0.0.1:54329/wxmall', { applicationName: 'wxmall-cli' }),
);
