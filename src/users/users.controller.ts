import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { CreateAccountDto, ListUsersQueryDto, UpdateAccountDto, UserListResponse } from './dto/user-accounts.dto';
import { UserAccountsService } from './user-accounts.service';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { UserResponse } from './dto/user.response';
import { UsersService } from './users.service';
import { PhoneNumberDto } from './dto/phone-number.dto';
import { WechatProfileDto } from './dto/wechat-profile.dto';
import { WechatUserDataService } from './wechat-user-data.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly wechatData: WechatUserDataService,
    private readonly accounts: UserAccountsService,
  ) {}

  @Get('me')
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.users.getProfile(user.id);
  }

  @Patch('me')
  @ApiOkResponse({ type: UserResponse })
  update(@CurrentUser() user: AuthUser, @Body() dto: UpdateProfileDto): Promise<UserResponse> {
    return this.users.updateProfile(user.id, dto);
  }

  /**
   * The same partial update as PATCH, for mini programs: wx.request has no PATCH method
   * (https://developers.weixin.qq.com/miniprogram/dev/api/network/request/wx.request.html).
   */
  @Put('me')
  @ApiOkResponse({ type: UserResponse, description: 'The same partial update as PATCH /api/users/me (wx.request cannot send PATCH)' })
  updateFromMiniProgram(@CurrentUser() user: AuthUser, @Body() dto: UpdateProfileDto): Promise<UserResponse> {
    return this.users.updateProfile(user.id, dto);
  }

  @Post('me/wechat-profile')
  @HttpCode(200)
  @ApiErrors({ 400: ['SESSION_KEY_STALE'] })
  @ApiOkResponse({ type: UserResponse, description: 'On SESSION_KEY_STALE: call wx.login, log in again, retry with fresh data' })
  wechatProfile(@CurrentUser() user: AuthUser, @Body() dto: WechatProfileDto): Promise<UserResponse> {
    return this.wechatData.applyWechatProfile(user.id, dto);
  }

  @Post('me/phone')
  @HttpCode(200)
  @ApiErrors({ 400: ['WECHAT_CODE_INVALID', 'SESSION_KEY_STALE'], 429: ['WECHAT_RATE_LIMITED'], 502: ['WECHAT_ERROR'], 503: ['WECHAT_UNAVAILABLE'] })
  @ApiOkResponse({ type: UserResponse })
  phone(@CurrentUser() user: AuthUser, @Body() dto: PhoneNumberDto): Promise<UserResponse> {
    return this.wechatData.setPhone(user.id, dto);
  }

  @Delete('me')
  @HttpCode(204)
  erase(@CurrentUser() user: AuthUser): Promise<void> {
    return this.users.deleteAccount(user.id);
  }

  // Admin user management. `/users/me` routes are static and win over `/users/:id`.
  @Get()
  @Roles('admin')
  @ApiOkResponse({ type: UserListResponse })
  list(@Query() query: ListUsersQueryDto): Promise<UserListResponse> {
    return this.accounts.list(query);
  }

  @Post()
  @Roles('admin')
  @ApiErrors({ 409: ['USERNAME_TAKEN'] })
  @ApiCreatedResponse({ type: UserResponse })
  createAccount(@Body() dto: CreateAccountDto): Promise<UserResponse> {
    return this.accounts.create(dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiErrors({ 404: ['USER_NOT_FOUND'], 409: ['LAST_ADMIN'] })
  @ApiOkResponse({ type: UserResponse })
  updateAccount(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateAccountDto): Promise<UserResponse> {
    return this.accounts.update(user, id, dto);
  }
}
