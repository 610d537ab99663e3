import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, AuditAction, AuditChanges, AuditEntry, AuditTargetType } from '../audit-entry';

/** One row of the audit log, built field by field. */
export class AuditEntryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the system (operator CLI, start-up admin)' })
  actorId: string | null;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action: AuditAction;
  @ApiProperty({ enum: AUDIT_TARGET_TYPES }) targetType: AuditTargetType;
  @ApiProperty({ format: 'uuid' }) targetId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', minItems: 2, maxItems: 2, items: {} },
    description: '`{field: [before, after]}`; before is null on a create, after is null on a delete',
    example: { price: [39.9, 35] },
  })
  changes: AuditChanges;
  @ApiProperty({ type: String, nullable: true, description: 'X-Request-Id of the request that made the change' })
  requestId: string | null;
}

export class AuditListResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) items: AuditEntryResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as cursor (same filters) for older rows; null on the last page' })
  nextCursor: string | null;
}

export function toAuditEntryResponse(entry: AuditEntry): AuditEntryResponse {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    changes: entry.changes,
    requestId: entry.requestId,
  };
}
