import { BadRequestException, HttpException, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it, MockInstance, vi } from 'vitest';
import { domainError } from '../errors';

class TokenExpiredTestError extends domainError(401, 'TOKEN_EXPIRED', 'Token expired') {}
import { AllExceptionsFilter } from './all-exceptions.filter';

class FakeReply {
  statusCode = 0;
  payload: any;
  headers: Record<string, string> = {};
  header(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  send(body: unknown) {
    this.payload = body;
    return this;
  }
}

function hostFor(reply: FakeReply): any {
  return { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({}) }) };
}

const GENERIC_500 = { statusCode: 500, message: 'Internal server error', error: 'Internal Server Error', code: 'INTERNAL_ERROR' };

describe(AllExceptionsFilter.name, () => {
  let sut: AllExceptionsFilter;
  let reply: FakeReply;
  let logged: MockInstance;
  afterEach(() => sut.onApplicationShutdown());
  beforeEach(() => {
    sut = new AllExceptionsFilter();
    reply = new FakeReply();
    logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('should answer a bare 500 for a failed query, without SQL, parameters or the driver message', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "users_openid_key"'), {
      detail: 'Key (openid)=(o_secret) already exists.',
    });
    const err = new QueryFailedError('INSERT INTO "users"("openid") VALUES ($1)', ['o_secret'], driverError);
    sut.catch(err, hostFor(reply));
    expect(reply.statusCode).toBe(500);
    expect(reply.payload).toEqual(GENERIC_500);
    expect(JSON.stringify(reply.payload)).not.toMatch(/INSERT|users_openid_key|o_secret/);
    // The details stay in the log (message only: the query and its parameters are not logged).
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toContain('users_openid_key');
    expect(logged.mock.calls.flat().join(' ')).not.toContain('o_secret');
  });

  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22P05', 'unsupported Unicode escape sequence'],
  ])('should answer 400 for text the database cannot store (SQLSTATE %s), without the driver message', (code, message) => {
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const driverError = Object.assign(new Error(message), { code });
      sut.catch(new QueryFailedError('UPDATE "users" SET "nickname" = $1', ['a\u0000b'], driverError), hostFor(reply));
      expect(reply.statusCode).toBe(400);
      expect(reply.payload).toEqual({ statusCode: 400, message: 'Text contains characters that cannot be stored', error: 'Bad Request', code: 'VALIDATION_FAILED' });
      expect(logged).not.toHaveBeenCalled();
      expect(warned.mock.calls.flat().join(' ')).toContain(code);
      expect(warned.mock.calls.flat().join(' ')).not.toContain(message);
    } finally {
      warned.mockRestore();
    }
  });

  it('should answer 400 for such a driver error that TypeORM did not wrap', () => {
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      sut.catch(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }), hostFor(reply));
      expect(reply.statusCode).toBe(400);
      expect(JSON.stringify(reply.payload)).not.toContain('0x00');
    } finally {
      warned.mockRestore();
    }
  });

  it('should answer a bare 500 for a programming error, without its message or stack', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'sessionKey')");
    sut.catch(err, hostFor(reply));
    expect(reply.payload).toEqual(GENERIC_500);
  });

  it('should answer a bare 500 for something thrown that is not an Error', () => {
    sut.catch('connection string postgres://u:p@db/x', hostFor(reply));
    expect(reply.payload).toEqual(GENERIC_500);
  });

  it('should keep only the status of a library 5xx whose body carries details', () => {
    sut.catch(new ServiceUnavailableException({ status: 'error', error: { database: { message: 'connect ECONNREFUSED 10.0.0.5:5432' } } }), hostFor(reply));
    expect(reply.statusCode).toBe(503);
    expect(reply.payload).toEqual({ statusCode: 503, message: 'Service Unavailable', error: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE' });
  });

  it('should keep a domain error’s status, code and headers', () => {
    sut.catch(new TokenExpiredTestError(), hostFor(reply));
    expect(reply.statusCode).toBe(401);
    expect(reply.payload).toEqual({ statusCode: 401, message: 'Token expired', error: 'Unauthorized', code: 'TOKEN_EXPIRED' });
  });

  it('should keep the validation messages of a 400', () => {
    sut.catch(new BadRequestException(['code must be a string']), hostFor(reply));
    expect(reply.payload).toEqual({ statusCode: 400, message: ['code must be a string'], error: 'Bad Request', code: 'VALIDATION_FAILED' });
  });

  it('should map the throttler’s 429 to RATE_LIMITED', () => {
    sut.catch(new ThrottlerException('Too many login attempts'), hostFor(reply));
    expect(reply.statusCode).toBe(429);
    expect(reply.payload).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
  });

  it('should keep the 4xx of a framework error (body too large) in the error shape', () => {
    const err = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    sut.catch(err, hostFor(reply));
    expect(reply.payload).toEqual({ statusCode: 413, message: 'Request body is too large', error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('should not let a framework error’s 5xx status through with its message', () => {
    const err = Object.assign(new Error('socket hang up at 10.0.0.5'), { statusCode: 502 });
    sut.catch(err, hostFor(reply));
    expect(reply.payload).toEqual(GENERIC_500);
  });

  it('should answer a plain HttpException with a string body in the error shape', () => {
    sut.catch(new HttpException('Gone for good', 410), hostFor(reply));
    expect(reply.payload).toEqual({ statusCode: 410, message: 'Gone for good', error: 'Gone', code: 'GONE' });
  });

  it('should answer 503 DATABASE_UNAVAILABLE with Retry-After when PostgreSQL is out of reach, without a log line per request', () => {
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
      const shutdown = new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
      for (const err of [refused, shutdown, new Error('Connection terminated unexpectedly'), refused]) {
        const each = new FakeReply();
        sut.catch(err, hostFor(each));
        expect(each.statusCode).toBe(503);
        expect(each.payload).toEqual({ statusCode: 503, message: 'The database is unavailable; retry shortly', error: 'Service Unavailable', code: 'DATABASE_UNAVAILABLE' });
        expect(Number(each.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(logged).not.toHaveBeenCalled();
      // One line for the outage (the DatabaseOutage log), none per request.
      expect(warned).toHaveBeenCalledTimes(1);
      expect(String(warned.mock.calls[0][0])).toContain('PostgreSQL unreachable (ECONNREFUSED)');
    } finally {
      warned.mockRestore();
    }
  });

  it('should not log a quiet 5xx domain error, and warn about any other', () => {
    class QuietDownError extends domainError(503, 'QUIET_DOWN', 'Down') {
      override readonly quiet = true;
    }
    class LoudDownError extends domainError(503, 'LOUD_DOWN', 'Down') {}
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      sut.catch(new QuietDownError(), hostFor(reply));
      expect(reply.statusCode).toBe(503);
      expect(warned).not.toHaveBeenCalled();
      sut.catch(new LoudDownError(), hostFor(new FakeReply()));
      expect(warned).toHaveBeenCalledTimes(1);
    } finally {
      warned.mockRestore();
    }
  });

  it('should answer a request its client abandoned mid-body without an error line or an outage', () => {
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      sut.catch(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), hostFor(reply));
      expect(reply.statusCode).toBe(400);
      expect(logged).not.toHaveBeenCalled();
      expect(warned).not.toHaveBeenCalled();
    } finally {
      warned.mockRestore();
    }
  });
});
