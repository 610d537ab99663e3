import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdOf } from './request-id';

const request = (headers: Record<string, string | string[] | undefined>) => ({ headers }) as unknown as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it('should take a well-formed X-Request-Id', () => {
    expect(requestIdOf(request({ 'x-request-id': 'lb-1234.abc:9' }))).toBe('lb-1234.abc:9');
  });

  it('should generate a UUID when the header is missing, too long or not id-like', () => {
    const cases: Record<string, string>[] = [{}, { 'x-request-id': 'a'.repeat(129) }, { 'x-request-id': 'two words' }, { 'x-request-id': 'x\n{"level":"fatal"}' }];
    for (const headers of cases) {
      expect(requestIdOf(request(headers))).toMatch(UUID);
    }
  });

  it('should answer the same id every time for one request', () => {
    const req = request({});
    expect(requestIdOf(req)).toBe(requestIdOf(req));
  });
});
