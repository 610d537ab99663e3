import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { HealthResponse, LivenessResponse } from './dto/health.response';
import { HealthService } from './health.service';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: 200 while the process runs. Never touches the database, so a database outage does not get instances restarted. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up (no dependency is checked)' })
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOkResponse({ type: LivenessResponse })
  live(): LivenessResponse {
    return { status: 'ok' };
  }

  /** Readiness: 200 when the database answers and the schema is current; 503 when not, and from SIGTERM on. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers, the schema is current, the instance is not shutting down' })
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors({ 503: ['HEALTH_CHECK_FAILED', 'SHUTTING_DOWN'] })
  ready(): Promise<HealthResponse> {
    return this.health.check();
  }

  /** The same as /health/ready (kept for the load balancers and health checks configured with it). */
  @Get()
  @ApiOperation({ summary: 'Readiness (the same as /api/health/ready)' })
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors({ 503: ['HEALTH_CHECK_FAILED', 'SHUTTING_DOWN'] })
  check(): Promise<HealthResponse> {
    return this.health.check();
  }
}
