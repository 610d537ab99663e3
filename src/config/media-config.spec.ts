import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';
import { DEFAULT_MEDIA_MAX_BYTES } from './media-config';

const S3 = {
  STORAGE_DRIVER: 's3',
  S3_ENDPOINT: 'https://cos.ap-guangzhou.myqcloud.com',
  S3_REGION: 'ap-guangzhou',
  S3_BUCKET: 'shop-media-1250000000',
  S3_ACCESS_KEY_ID: 'AKIDexample',
  S3_SECRET_ACCESS_KEY: 'secret-value-never-echoed',
  MEDIA_PUBLIC_BASE_URL: 'https://img.shop.example.com/',
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig (media settings)', () => {
  it('should default to local files under .data/media, 10 MB and 20 uploads a minute', () => {
    const sut = loadConfig({}).media;
    expect(sut).toEqual({
      storage: { driver: 'local', localDir: `${process.cwd()}/.data/media` },
      publicBaseUrl: null,
      maxBytes: DEFAULT_MEDIA_MAX_BYTES,
      uploadRateLimit: 20,
    });
    expect(DEFAULT_MEDIA_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('should read a complete s3 configuration, trimming the trailing slashes', () => {
    const sut = loadConfig(S3).media;
    expect(sut.storage).toEqual({
      driver: 's3',
      s3: {
        endpoint: S3.S3_ENDPOINT,
        region: S3.S3_REGION,
        bucket: S3.S3_BUCKET,
        accessKeyId: S3.S3_ACCESS_KEY_ID,
        secretAccessKey: S3.S3_SECRET_ACCESS_KEY,
        forcePathStyle: false,
      },
    });
    expect(sut.publicBaseUrl).toBe('https://img.shop.example.com');
    expect(loadConfig({ ...S3, S3_FORCE_PATH_STYLE: 'true' }).media.storage).toMatchObject({ s3: { forcePathStyle: true } });
  });

  it.each(['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'MEDIA_PUBLIC_BASE_URL'])(
    'should refuse STORAGE_DRIVER=s3 without %s, in one line naming it',
    (variable) => {
      const sut = errorOf({ ...S3, [variable]: '' });
      expect(sut.variable).toBe(variable);
      expect(sut.message).toMatch(new RegExp(`^Configuration error: ${variable} is required when STORAGE_DRIVER=s3`));
      expect(sut.message).not.toContain('\n');
    },
  );

  it.each([
    ['STORAGE_DRIVER', { STORAGE_DRIVER: 'ftp' }],
    ['S3_ENDPOINT', { ...S3, S3_ENDPOINT: 'cos.ap-guangzhou.myqcloud.com' }],
    ['S3_BUCKET', { ...S3, S3_BUCKET: 'Not A Bucket' }],
    ['S3_FORCE_PATH_STYLE', { ...S3, S3_FORCE_PATH_STYLE: 'sometimes' }],
    ['MEDIA_PUBLIC_BASE_URL', { MEDIA_PUBLIC_BASE_URL: 'cdn.example.com/media' }],
    ['MEDIA_PUBLIC_BASE_URL', { MEDIA_PUBLIC_BASE_URL: 'https://cdn.example.com/media?x=1' }],
    ['MEDIA_MAX_BYTES', { MEDIA_MAX_BYTES: 'ten megabytes' }],
    ['MEDIA_MAX_BYTES', { MEDIA_MAX_BYTES: '0' }],
    ['MEDIA_MAX_BYTES', { MEDIA_MAX_BYTES: '1GB' }],
    ['MEDIA_MAX_BYTES', { MEDIA_MAX_BYTES: '65MB' }],
    ['MEDIA_UPLOAD_RATE_LIMIT', { MEDIA_UPLOAD_RATE_LIMIT: '0' }],
  ])('should refuse a bad %s, naming it without echoing the value', (variable, env) => {
    const sut = errorOf(env);
    expect(sut.variable).toBe(variable);
    expect(sut.message).not.toContain('\n');
    for (const value of Object.values(env)) if (value.length > 3) expect(sut.message).not.toContain(value);
  });

  it('should read MEDIA_MAX_BYTES as bytes, kB or MB', () => {
    expect(loadConfig({ MEDIA_MAX_BYTES: '200000' }).media.maxBytes).toBe(200000);
    expect(loadConfig({ MEDIA_MAX_BYTES: '512kB' }).media.maxBytes).toBe(512 * 1024);
    expect(loadConfig({ MEDIA_MAX_BYTES: '5 MB' }).media.maxBytes).toBe(5 * 1024 * 1024);
  });

  it('should treat empty media settings as unset (docker-compose passes `${VAR:-}`)', () => {
    const empty = { STORAGE_DRIVER: '', S3_ENDPOINT: '', MEDIA_MAX_BYTES: '', MEDIA_PUBLIC_BASE_URL: '' };
    expect(loadConfig(empty).media).toEqual(loadConfig({}).media);
  });
});
