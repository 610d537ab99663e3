import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config';
import { createRootLogger, REDACT_PATHS, redactUrl } from './logging.options';

describe('redactUrl', () => {
  it('should keep a URL without a query as it is', () => {
    expect(redactUrl('/api/goods/123')).toBe('/api/goods/123');
  });

  it('should redact the values of secret query parameters, whatever their case', () => {
    expect(redactUrl('/sns/jscode2session?appid=wx1&secret=S3CRET&js_code=C0DE&grant_type=authorization_code')).toBe(
      '/sns/jscode2session?appid=wx1&secret=[Redacted]&js_code=[Redacted]&grant_type=authorization_code',
    );
    expect(redactUrl('/x?ACCESS_TOKEN=t0k&Code=c&refreshToken=r')).toBe('/x?ACCESS_TOKEN=[Redacted]&Code=[Redacted]&refreshToken=[Redacted]');
  });

  it('should keep harmless parameters, re-encoded', () => {
    expect(redactUrl('/api/goods?search=%E5%A5%B6&page=2')).toBe('/api/goods?search=%E5%A5%B6&page=2');
  });
});

describe('createRootLogger', () => {
  it('should redact secret fields in objects the code logs', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'info' });
    const sut = createRootLogger(config, sink);

    sut.info({ password: 'pw-1', body: { refreshToken: 'rt-1', session_key: 'sk-1', encryptedData: 'ed-1', iv: 'iv-1', code: 'c-1' } }, 'x');
    sut.info({ req: { headers: { authorization: 'Bearer at-1', cookie: 'sid=ck-1' } } }, 'y');
    sut.info({ req: { method: 'GET', url: '/api/users/me?access_token=at-2&page=2', headers: { authorization: 'Bearer at-3' } } }, 'raw request');
    sut.error({ err: Object.assign(new Error('failed'), { parameters: ['param-secret'], query: 'SELECT 1' }) }, 'z');

    const all = lines.join('');
    for (const secret of ['pw-1', 'rt-1', 'sk-1', 'ed-1', 'iv-1', 'c-1', 'at-1', 'ck-1', 'at-2', 'at-3', 'param-secret']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('[Redacted]');
    expect(all).toContain('"url":"/api/users/me?access_token=[Redacted]&page=2"');
    expect(all).toContain('"message":"failed"');
    expect(all).toContain('"stack":"Error: failed');
    expect(REDACT_PATHS).toEqual(expect.arrayContaining(['req.headers.authorization', '*.session_key', 'password']));
  });
});
