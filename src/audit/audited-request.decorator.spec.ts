import { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { describe, expect, it } from 'vitest';
import type { AuditContext } from './audit-entry';
import { AuditedRequest } from './audited-request.decorator';

/** The function Nest calls to fill an @AuditedRequest() parameter. */
function factoryOf(): (data: unknown, ctx: ExecutionContext) => AuditContext {
  class Probe {
    handler(@AuditedRequest() _audit: AuditContext) {}
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handler') as Record<string, { factory: (data: unknown, ctx: ExecutionContext) => AuditContext }>;
  return Object.values(args)[0].factory;
}

const contextOf = (request: object) => ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

describe('AuditedRequest', () => {
  const sut = factoryOf();

  it('should give the signed-in user as the actor and the request id', () => {
    expect(sut(undefined, contextOf({ user: { id: 'u-1', role: 'staff', sessionId: 's' }, id: 'req-9' }))).toEqual({ actorId: 'u-1', requestId: 'req-9' });
  });

  it('should give nulls where there is no user or no id', () => {
    expect(sut(undefined, contextOf({}))).toEqual({ actorId: null, requestId: null });
  });
});
