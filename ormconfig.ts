import 'reflect-metadata';
import 'dotenv/config';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/load-config';
import { buildDataSourceOptions } from './src/database/data-source-options';
import { devDatabaseUrl } from './src/dev/dev-runtime';

/**
 * The TypeORM CLI's data source (`npm run migration:run`, `migration:generate`). It needs a
 * running database: DATABASE_URL, or the embedded one while `npm start` is running
 * (see devDatabaseUrl).
 */
const config = loadConfig();
export default new DataSource(
  buildDataSourceOptions(config.databaseUrl ?? devDatabaseUrl(config.embeddedPgPort), { applicationName: 'wxmall-cli' }),
);
