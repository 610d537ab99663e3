import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { HealthResponse } from './dto/health.response';
import { HealthService } from './health.service';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when the database answers within a second, 503 when it does not (for load balancers and container health checks). */
  @Get()
  @ApiOperation({ summary: 'Check the service and its database' })
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors({ 503: ['HEALTH_CHECK_FAILED'] })
  check(): Promise<HealthResponse> {
    return this.health.check();
  }
}
