import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllExceptionsFilter } from '../common/filters/all-exceptions.filter';
import { AcceptBody, requireJsonBodies } from './body-media-type';
import { registerJsonBodyParser } from './json-body-parser';

@Controller()
class UploadTestController {
  @Post('json')
  json(@Body() body: unknown) {
    return { body };
  }

  @Post('upload')
  @AcceptBody('multipart/form-data')
  upload(@Body() body: unknown) {
    return { body };
  }
}

@Module({ controllers: [UploadTestController] })
class UploadTestModule {}

/** A route opts in to one more body media type with @AcceptBody(); every other route keeps its 415. */
describe('requireJsonBodies with @AcceptBody()', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(UploadTestModule, new FastifyAdapter(), { logger: false, bodyParser: false });
    const fastify = app.getHttpAdapter().getInstance();
    registerJsonBodyParser(fastify, 1024);
    // Stands in for @fastify/multipart, which the media module registers.
    fastify.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (_req, body, done) => done(null, { multipart: body }));
    requireJsonBodies(fastify);
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
  });
  afterAll(async () => app.close());

  const post = (url: string, contentType: string, payload: string) =>
    app.getHttpAdapter().getInstance().inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });

  it('should let the opted-in route take its media type', async () => {
    const res = await post('/upload', 'multipart/form-data; boundary=x', '--x--');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ body: { multipart: '--x--' } });
  });

  it('should still take JSON on the opted-in route', async () => {
    expect((await post('/upload', 'application/json', '{"a":1}')).json()).toEqual({ body: { a: 1 } });
  });

  it('should answer 415 for that media type on any other route, and for other types on the opted-in one', async () => {
    for (const [url, type] of [
      ['/json', 'multipart/form-data; boundary=x'],
      ['/upload', 'application/x-www-form-urlencoded'],
      ['/upload', 'text/plain'],
    ]) {
      const res = await post(url, type, '--x--');
      expect(res.statusCode, `${url} ${type}`).toBe(415);
      expect(res.json()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });
});
