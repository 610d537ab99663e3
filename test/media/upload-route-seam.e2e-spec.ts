import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { AppModule } from '../../src/app.module';
import type { AuthUser } from '../../src/common/auth-user';
import { CurrentUser } from '../../src/common/decorators/current-user.decorator';
import { loadConfig } from '../../src/config/load-config';
import { MEDIA_FILES_ROUTE } from '../../src/media/media-files.controller';
import { MediaReferencesRepository } from '../../src/media/media-references.repository';
import { MediaService } from '../../src/media/media.service';
import { MediaModule } from '../../src/media/media.module';
import { ImageUploadRoute, MultipartUpload, registerMultipart, UploadedMultipart } from '../../src/media/multipart-upload';
import { FakeWechatServer } from '../support/fake-wechat.server';
import { jpegWithGpsAndOrientation, png } from '../support/images';
import { download, postMultipart, startMediaStore, TestMediaStore } from '../support/media';
import { TEST_APPID, TEST_JWT_SECRET, TEST_WECHAT_SECRET, truncateAll, TestApp } from '../support/test-app';

/**
 * A rehearsal of phase 2's `POST /api/users/me/avatar`, written the way the users module will
 * write it, in a module of its own: the upload decorators, MediaService.storeUpload, the
 * reference in the same transaction as the row, free() after the commit.
 */
@Controller('rehearsal')
class AvatarRehearsalController {
  constructor(
    private readonly media: MediaService,
    private readonly references: MediaReferencesRepository,
    private readonly dataSource: DataSource,
  ) {}

  @Post('avatar')
  @HttpCode(200)
  @ImageUploadRoute()
  async avatar(@CurrentUser() user: AuthUser, @UploadedMultipart() upload: MultipartUpload): Promise<{ avatarUrl: string }> {
    const media = await this.media.storeUpload(user.id, 'avatar', upload);
    const released = await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE users SET avatar_url = $2 WHERE id = $1`, [user.id, media.url]);
      return this.references.replace(tx, { type: 'user', id: user.id }, [media.url]);
    });
    await this.media.free(released);
    return { avatarUrl: media.url };
  }
}

@Module({ imports: [MediaModule], controllers: [AvatarRehearsalController] })
class RehearsalModule {}

describe('an upload route in another module (the seam phase 2 uses)', () => {
  let store: TestMediaStore;
  let fake: FakeWechatServer;
  let app: NestFastifyApplication;
  let t: Pick<TestApp, 'url' | 'dataSource'>;
  let token: string;

  beforeAll(async () => {
    store = await startMediaStore('local');
    fake = new FakeWechatServer({ appid: TEST_APPID, secret: TEST_WECHAT_SECRET });
    await fake.listen();
    const config = loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      WECHAT_APPID: TEST_APPID,
      WECHAT_SECRET: TEST_WECHAT_SECRET,
      WECHAT_API_BASE: fake.url,
      MEDIA_UPLOAD_RATE_LIMIT: '3',
      ...store.env,
    });
    config.databaseUrl = inject('databaseUrl');
    app = await NestFactory.create<NestFastifyApplication>(
      { module: class RehearsalAppModule {}, imports: [AppModule.forRoot(config), RehearsalModule] },
      new FastifyAdapter(),
      { logger: false },
    );
    await registerMultipart(app);
    app.setGlobalPrefix('api', { exclude: [MEDIA_FILES_ROUTE] });
    await app.init();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as { port: number };
    t = { url: `http://127.0.0.1:${port}`, dataSource: app.get(DataSource) };
  });
  beforeEach(async () => {
    await truncateAll(t.dataSource);
    await store.empty();
    const res = await fetch(`${t.url}/api/auth/wechat/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: fake.issueCode('o_rehearsal') }),
    });
    token = ((await res.json()) as { accessToken: string }).accessToken;
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await store?.close();
  });

  const avatar = (data: Buffer, fields: Record<string, string> = {}) =>
    // What wx.uploadFile({ name: 'file', filePath }) sends: one file part, no other field.
    postMultipart(t as TestApp, '/api/rehearsal/avatar', { token, fields, files: [{ data, name: 'tmp_9a8b7c.jpeg', type: 'image/jpeg' }] });

  it('should store the avatar, capped and without EXIF, and free the one it replaces', async () => {
    const first = await avatar(await jpegWithGpsAndOrientation(1600, 1000));
    expect(first.status).toBe(200);
    const served = await sharp((await download(first.body.avatarUrl)).data).metadata();
    expect(served).toMatchObject({ width: 400, height: 640 });
    expect(served.exif).toBeUndefined();
    const firstKey = first.body.avatarUrl.split('/').pop();
    expect(await store.files()).toEqual([firstKey]);

    const second = await avatar(await png(50, 50));
    expect(second.status).toBe(200);
    expect(await store.files()).toEqual([second.body.avatarUrl.split('/').pop()]);
    expect((await download(first.body.avatarUrl)).status).toBe(404);
    const [{ avatar_url }] = await t.dataSource.query(`SELECT avatar_url FROM users`);
    expect(avatar_url).toBe(second.body.avatarUrl);
  });

  it('should refuse any field beside `file`, and count against the upload rate limit', async () => {
    const image = await png(10, 10);
    const withPurpose = await avatar(image, { purpose: 'goods' });
    expect(withPurpose.status).toBe(400);
    expect(withPurpose.body).toMatchObject({ code: 'MEDIA_UPLOAD_INVALID' });
    expect((await avatar(image)).status).toBe(200);
    expect((await avatar(image)).status).toBe(200);
    const throttled = await avatar(image);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
