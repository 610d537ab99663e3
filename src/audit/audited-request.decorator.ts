import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthUser } from '../common/auth-user';
import type { AuditContext } from './audit-entry';

/**
 * Who is acting and in which request, for a handler whose change is audited:
 * `update(@AuditedRequest() audit: AuditContext, @Param('id') id: string, @Body() dto: …)`.
 * The request id is the X-Request-Id the response carries (src/logging/request-id.ts).
 */
export const AuditedRequest = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuditContext => {
  const request = ctx.switchToHttp().getRequest<{ user?: AuthUser; id?: string }>();
  return { actorId: request.user?.id ?? null, requestId: typeof request.id === 'string' ? request.id : null };
});
