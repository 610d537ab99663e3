import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/load-config';
import { setupOpenApi } from './openapi';

/**
 * The OpenAPI document /docs-json serves, built without a database or a listening server:
 * Nest's preview mode assembles the modules and controllers without instantiating
 * providers, which is all the document needs. For generators (the mini program kit's
 * api.d.ts); test/miniprogram/api-types.e2e-spec.ts checks it equals the served one.
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'openapi-document-only-secret-never-used-0123456789',
    WECHAT_APPID: 'wxopenapidocument',
    WECHAT_SECRET: 'unused',
    LOG_LEVEL: 'silent',
  });
  // Never connected to: preview mode does not run the TypeORM factory.
  config.databaseUrl = 'postgres://unused@127.0.0.1:1/unused';
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    app.setGlobalPrefix('api');
    return setupOpenApi(app);
  } finally {
    await app.close();
  }
}
