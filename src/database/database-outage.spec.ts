import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it, MockInstance, vi } from 'vitest';
import { databaseUnavailableReason, DatabaseOutageLog } from './database-outage';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const socketError = (message: string, code: string, syscall: string) => Object.assign(new Error(message), { code, syscall });

describe('databaseUnavailableReason', () => {
  it.each([
    [socketError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', 'connect'), 'ECONNREFUSED'],
    [socketError('read ECONNRESET', 'ECONNRESET', 'read'), 'ECONNRESET'],
    [socketError('connect ETIMEDOUT', 'ETIMEDOUT', 'connect'), 'ETIMEDOUT'],
    [socketError('getaddrinfo ENOTFOUND db', 'ENOTFOUND', 'getaddrinfo'), 'ENOTFOUND'],
    [withCode('terminating connection due to administrator command', '57P01'), 'SQLSTATE 57P01'],
    [withCode('the database system is starting up', '57P03'), 'SQLSTATE 57P03'],
    [withCode('connection failure', '08006'), 'SQLSTATE 08006'],
    [withCode('protocol violation', '08P01'), 'SQLSTATE 08P01'],
    [new Error('Connection terminated unexpectedly'), 'connection lost'],
    [new Error('Connection terminated due to connection timeout'), 'connect timeout'],
    [new Error('timeout exceeded when trying to connect'), 'connect timeout'],
  ])('should recognise %s', (error, reason) => {
    expect(databaseUnavailableReason(error)).toBe(reason);
  });

  it('should look inside TypeORM’s wrapper, a cause and an AggregateError', () => {
    expect(databaseUnavailableReason(new QueryFailedError('SELECT 1', [], withCode('terminating connection', '57P01')))).toBe('SQLSTATE 57P01');
    expect(databaseUnavailableReason(new Error('query failed', { cause: socketError('x', 'ECONNRESET', 'read') }))).toBe('ECONNRESET');
    const attempts = [socketError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED', 'connect'), socketError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', 'connect')];
    expect(databaseUnavailableReason(Object.assign(new AggregateError(attempts), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  });

  it.each([
    [withCode('duplicate key value violates unique constraint', '23505')],
    [withCode('canceling statement due to statement timeout', '57014')],
    [withCode('invalid byte sequence', '22021')],
    [new Error('Query read timeout')],
    // The request stream of a client that hung up: its own socket, not the database's.
    [withCode('aborted', 'ECONNRESET')],
    [new TypeError('Cannot read properties of undefined')],
    [null],
    ['ECONNREFUSED'],
  ])('should not take %s for an outage', (error) => {
    expect(databaseUnavailableReason(error)).toBeNull();
  });
});

describe(DatabaseOutageLog.name, () => {
  let now = 0;
  let sut: DatabaseOutageLog;
  let warn: MockInstance;
  let log: MockInstance;
  beforeEach(() => {
    now = 1_000_000;
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    sut = new DatabaseOutageLog(10_000, () => now, 60_000);
  });
  afterEach(() => {
    sut.stop();
    vi.restoreAllMocks();
  });

  it('should warn once at the first failure of a burst, and log its count once it has been quiet', () => {
    for (let i = 0; i < 500; i++) {
      sut.record('ECONNREFUSED');
      now += 10;
      sut.tick();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe('PostgreSQL unreachable (ECONNREFUSED): answering 503 DATABASE_UNAVAILABLE until it is back');
    expect(log).not.toHaveBeenCalled();

    now += 9_989; // 9,999 ms after the last failure
    sut.tick();
    expect(log).not.toHaveBeenCalled();
    now += 1;
    sut.tick();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toContain('500 requests answered 503 DATABASE_UNAVAILABLE in 5 s');
  });

  it('should start a new burst after the quiet period', () => {
    sut.record('ECONNREFUSED');
    now += 10_000;
    sut.tick();
    sut.record('SQLSTATE 57P03');
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toContain('SQLSTATE 57P03');
  });

  it('should report the running count of a long outage every minute', () => {
    for (let s = 0; s < 150; s++) {
      sut.record('ECONNREFUSED');
      now += 1_000;
      sut.tick();
    }
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      expect.stringContaining('unreachable (ECONNREFUSED)'),
      expect.stringContaining('still unreachable: 60 requests'),
      expect.stringContaining('still unreachable: 120 requests'),
    ]);
  });
});
