import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseUnavailableReason } from './database-outage';
import { buildDataSourceOptions } from './data-source-options';
import { migrateUnderLock } from './migrator';
import { ReadPools } from './read-pools';

/**
 * The app's connection pool, and the catalogue's read pools (ReadPools). With `migrate`, pending migrations are applied under the
 * migration lock as the pool opens, before any module uses the database.
 */
@Module({})
export class DatabaseModule {
  static forRoot(url: string, options: { migrate: boolean; poolSize?: number; applicationName?: string }): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [ReadPools],
      exports: [ReadPools],
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions(url, { poolSize: options.poolSize, applicationName: options.applicationName }),
            // @nestjs/typeorm logs each retry as "Unable to connect to the database": only an
            // unreachable PostgreSQL is retried; a failing migration stops the start with its own message.
            toRetry: (err: unknown) => databaseUnavailableReason(err) !== null,
          }),
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            try {
              if (options.migrate) await migrateUnderLock(dataSource.options);
            } catch (err) {
              await dataSource.destroy();
              throw err;
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
