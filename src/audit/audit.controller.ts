import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { AuditService } from './audit.service';
import { AuditListResponse } from './dto/audit.response';
import { ListAuditQueryDto } from './dto/list-audit.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @ApiErrors({ 400: ['CURSOR_INVALID'] })
  @ApiOkResponse({ type: AuditListResponse })
  list(@Query() query: ListAuditQueryDto): Promise<AuditListResponse> {
    return this.audit.list(query);
  }
}
