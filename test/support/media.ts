import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type HttpResponse, lazyHandle, startTestApp, type TestApp } from './test-app';
import { TestS3Server } from './s3-server';

export type Driver = 'local' | 's3';

/** Where a test app keeps its media: its own folder, or its own in-process S3 server. */
export interface TestMediaStore {
  driver: Driver;
  /** The app's STORAGE_* / S3_* / MEDIA_PUBLIC_BASE_URL settings for this store. */
  env: Record<string, string>;
  /** Every file in the store (local: also temporary ones, so a half-written file would show). */
  files(): Promise<string[]>;
  /** Deletes every file (between tests, as the tables are truncated). */
  empty(): Promise<void>;
  close(): Promise<void>;
}

export async function startMediaStore(driver: Driver): Promise<TestMediaStore> {
  if (driver === 's3') {
    const s3 = await TestS3Server.start();
    return { driver, env: s3.env(), files: () => s3.keys(), empty: () => s3.empty(), close: () => s3.close() };
  }
  const dir = await mkdtemp(join(tmpdir(), 'wxmall-media-'));
  return {
    driver,
    env: { STORAGE_DRIVER: 'local', STORAGE_LOCAL_DIR: dir },
    files: async () => {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => e.name).sort();
    },
    empty: async () => {
      for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true });
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface FilePart {
  data: Buffer;
  /** The client's file name (never used by the server). */
  name?: string;
  /** The client's Content-Type (never believed by the server). */
  type?: string;
  field?: string;
}

/** Posts a multipart body as wx.uploadFile and browsers do (fetch's FormData). */
export async function postMultipart<T = any>(
  t: TestApp,
  path: string,
  options: { token?: string; files?: FilePart[]; fields?: Record<string, string> },
): Promise<HttpResponse<T>> {
  const form = new FormData();
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  for (const f of options.files ?? []) {
    form.append(f.field ?? 'file', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name ?? 'upload.bin');
  }
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(t.url + path, { method: 'POST', headers, body: form });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body: body as T, text, headers: res.headers };
}

/** Uploads one image to POST /api/media. */
export function uploadMedia(t: TestApp, token: string | undefined, data: Buffer, purpose = 'avatar', file: Partial<FilePart> = {}) {
  return postMultipart(t, '/api/media', { token, fields: { purpose }, files: [{ data, name: 'photo.jpg', type: 'image/jpeg', ...file }] });
}

/** The bytes at a media URL: the app's /media/ (local) or the bucket (s3). */
export async function download(url: string): Promise<{ status: number; headers: Headers; data: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
}

export async function mediaRowCount(t: TestApp): Promise<number> {
  const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM media`);
  return n;
}

/**
 * The set-up of a media test file: a store for this driver (an S3-protocol server in this
 * process for `s3`), an app on it, and both emptied before each test.
 */
export function useMediaApp(driver: Driver, env: Record<string, string> = {}): { t: TestApp; store: TestMediaStore } {
  let store: TestMediaStore | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    store = await startMediaStore(driver);
    app = await startTestApp({ env: { ...store.env, ...env } });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });
  beforeEach(async () => {
    await app!.reset();
    await store!.empty();
  });
  return { t: lazyHandle(() => app, 'the test app'), store: lazyHandle(() => store, 'the media store') };
}
