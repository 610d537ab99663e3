import { ApiProperty } from '@nestjs/swagger';

/** GET /api/health when all is well: which dependencies are up. A failure answers 503 with an ErrorResponse. */
export class HealthResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';

  @ApiProperty({
    type: 'object',
    description: 'Each dependency checked, by name',
    additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up'] } }, required: ['status'] },
    example: { database: { status: 'up' } },
  })
  info: Record<string, { status: 'up' }>;
}

/** GET /api/health/live: the process runs. */
export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}
