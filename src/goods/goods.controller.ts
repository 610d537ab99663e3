import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../audit/audit-entry';
import { AuditedRequest } from '../audit/audited-request.decorator';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { IdempotencyKey } from '../common/decorators/idempotency-key.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { CreateGoodsDto, UpdateGoodsDto } from './dto/goods.dto';
import { GoodsListResponse, GoodsResponse } from './dto/goods.response';
import { ListGoodsQueryDto } from './dto/list-goods.query';
import { GoodsService } from './goods.service';

/** Any signed-in user reads; staff and admins write. */
@ApiTags('goods')
@ApiBearerAuth()
@Controller('goods')
export class GoodsController {
  constructor(private readonly goods: GoodsService) {}

  @Get()
  @ApiOperation({ summary: 'List goods', description: 'Filtered and ordered; by page (at most 10,000 rows deep) or by cursor (`nextCursor`, any depth).' })
  @ApiErrors({ 400: ['CURSOR_INVALID', 'CURSOR_WITH_PAGE', 'PAGE_TOO_DEEP'] })
  @ApiOkResponse({ type: GoodsListResponse })
  list(@Query() query: ListGoodsQueryDto): Promise<GoodsListResponse> {
    return this.goods.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one product' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiErrors({ 404: ['GOODS_NOT_FOUND'] })
  @ApiOkResponse({ type: GoodsResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<GoodsResponse> {
    return this.goods.get(id);
  }

  @Post()
  @Roles('staff', 'admin')
  @ApiOperation({ summary: 'Create a product (staff, admin)' })
  @ApiErrors({ 400: ['IDEMPOTENCY_KEY_INVALID'], 404: ['GOODS_NOT_FOUND'], 422: ['IDEMPOTENCY_KEY_REUSED'] })
  @ApiCreatedResponse({ type: GoodsResponse })
  create(
    @CurrentUser() user: AuthUser,
    @AuditedRequest() audit: AuditContext,
    @Body() dto: CreateGoodsDto,
    @IdempotencyKey() key?: string,
  ): Promise<GoodsResponse> {
    return this.goods.create(user, dto, audit, key);
  }

  @Patch(':id')
  @Roles('staff', 'admin')
  @ApiOperation({ summary: 'Change a product (staff, admin)', description: 'Only the fields sent change; `null` clears a nullable field. With `version`, a stale copy is refused (409).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiErrors({ 404: ['GOODS_NOT_FOUND'], 409: ['VERSION_CONFLICT'] })
  @ApiOkResponse({ type: GoodsResponse })
  update(
    @CurrentUser() user: AuthUser,
    @AuditedRequest() audit: AuditContext,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateGoodsDto,
  ): Promise<GoodsResponse> {
    return this.goods.update(user, id, dto, audit);
  }

  @Delete(':id')
  @Roles('staff', 'admin')
  @ApiOperation({ summary: 'Delete a product (staff, admin)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @HttpCode(204)
  @ApiErrors({ 404: ['GOODS_NOT_FOUND'] })
  @ApiNoContentResponse()
  remove(@AuditedRequest() audit: AuditContext, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.goods.delete(id, audit);
  }
}
