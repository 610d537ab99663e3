import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'Read the audit log (admin)',
    description: 'Every staff write (goods create/update/delete, account create, role change, disable/enable), newest first; filters and cursor paging.',
  })
  @ApiErrors({ 400: ['CURSOR_INVALID'] })
  @ApiOkResponse({ type: AuditListResponse })
  list(@Query() query: ListAuditQueryDto): Promise<AuditListResponse> {
    return this.audit.list(query);
  }
}
