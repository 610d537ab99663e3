import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, AuditAction, AuditTargetType } from '../audit-entry';

/** A timestamp with its time zone, so it means the same instant on every server. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
function IsTimestamp(name: string) {
  return applyDecorators(
    IsString(),
    Matches(TIMESTAMP, { message: `${name} must be an ISO 8601 timestamp with a time zone, e.g. 2026-01-31T08:00:00Z` }),
    IsISO8601({ strict: true }, { message: `${name} must be a real date and time` }),
  );
}

/** `GET /api/audit`. An unknown parameter or a bad value is a 400 (the global pipe forbids extras). */
export class ListAuditQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The acting user id' })
  @IsOptional() @IsUUID('all', { message: 'actor must be a user id' })
  actor?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional() @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({ enum: AUDIT_TARGET_TYPES })
  @IsOptional() @IsIn(AUDIT_TARGET_TYPES)
  targetType?: AuditTargetType;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'targetId must be an id' })
  targetId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Rows at or after this instant' })
  @IsOptional() @IsTimestamp('from')
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Rows before this instant' })
  @IsOptional() @IsTimestamp('to')
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  pageSize?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page, with the same filters' })
  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}
