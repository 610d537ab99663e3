import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuditContext } from '../audit/audit-entry';
import { AuditedRequest } from '../audit/audited-request.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { CreateAccountDto, ListUsersQueryDto, UpdateAccountDto, UserListResponse } from './dto/user-accounts.dto';
import { UserResponse } from './dto/user.response';
import { UserAccountsService } from './user-accounts.service';

/** User management for admins: `/api/users` and `/api/users/:id` (the static `/users/me` routes win over `:id`). */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UserAccountsController {
  constructor(private readonly accounts: UserAccountsService) {}

  @Get()
  @ApiOperation({ summary: 'List users (admin)' })
  @ApiOkResponse({ type: UserListResponse })
  list(@Query() query: ListUsersQueryDto): Promise<UserListResponse> {
    return this.accounts.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a staff or admin account (admin)' })
  @ApiErrors({ 409: ['USERNAME_TAKEN'] })
  @ApiCreatedResponse({ type: UserResponse })
  create(@AuditedRequest() audit: AuditContext, @Body() dto: CreateAccountDto): Promise<UserResponse> {
    return this.accounts.create(dto, audit);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user\'s role or disable it (admin)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiErrors({ 404: ['USER_NOT_FOUND'], 409: ['LAST_ADMIN'] })
  @ApiOkResponse({ type: UserResponse })
  update(@AuditedRequest() audit: AuditContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateAccountDto): Promise<UserResponse> {
    return this.accounts.update(id, dto, audit);
  }
}
