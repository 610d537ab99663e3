import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { IMAGE_UPLOAD_ERRORS } from '../media/media.controller';
import { ImageUploadRoute, MultipartUpload, UploadedMultipart } from '../media/multipart-upload';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { PhoneNumberDto } from './dto/phone-number.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { UserResponse } from './dto/user.response';
import { WechatProfileDto } from './dto/wechat-profile.dto';
import { UserAccountsService } from './user-accounts.service';
import { UsersService } from './users.service';
import { WechatUserDataService } from './wechat-user-data.service';

/** The caller's own account: `/api/users/me`. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('users/me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly wechatData: WechatUserDataService,
    private readonly accounts: UserAccountsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Read my profile' })
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.users.getProfile(user.id);
  }

  @Patch()
  @ApiOperation({ summary: 'Change my profile', description: 'Only the fields sent change; `null` clears a field.' })
  @ApiOkResponse({ type: UserResponse })
  update(@CurrentUser() user: AuthUser, @Body() dto: UpdateProfileDto): Promise<UserResponse> {
    return this.users.updateProfile(user.id, dto);
  }

  /**
   * The same partial update as PATCH, for mini programs: wx.request has no PATCH method
   * (https://developers.weixin.qq.com/miniprogram/dev/api/network/request/wx.request.html).
   */
  @Put()
  @ApiOperation({ summary: 'Update my profile (PUT, for wx.request, which cannot send PATCH)' })
  @ApiOkResponse({ type: UserResponse, description: 'The same partial update as PATCH /api/users/me (wx.request cannot send PATCH)' })
  updateFromMiniProgram(@CurrentUser() user: AuthUser, @Body() dto: UpdateProfileDto): Promise<UserResponse> {
    return this.users.updateProfile(user.id, dto);
  }

  /**
   * What `wx.uploadFile({ url, filePath, name: 'file' })` sends after `<button
   * open-type="chooseAvatar">`: the image is checked, re-encoded and stored, and becomes the avatar.
   */
  @Post('avatar')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Upload my avatar (multipart field `file`, as wx.uploadFile sends it)',
    description: 'JPEG, PNG, WebP or GIF, re-encoded without metadata, longest side 640 px. The avatar it replaces is deleted unless something else uses it.',
  })
  @ImageUploadRoute()
  @ApiErrors(IMAGE_UPLOAD_ERRORS)
  @ApiOkResponse({ type: UserResponse, description: 'The user, `avatarUrl` pointing at the stored image' })
  avatar(@CurrentUser() user: AuthUser, @UploadedMultipart() upload: MultipartUpload): Promise<UserResponse> {
    return this.users.setAvatar(user.id, upload);
  }

  @Post('wechat-profile')
  @ApiOperation({ summary: 'Fill my profile from WeChat encrypted user data' })
  @HttpCode(200)
  @ApiErrors({ 400: ['SESSION_KEY_STALE'] })
  @ApiOkResponse({ type: UserResponse, description: 'On SESSION_KEY_STALE: call wx.login, log in again, retry with fresh data' })
  wechatProfile(@CurrentUser() user: AuthUser, @Body() dto: WechatProfileDto): Promise<UserResponse> {
    return this.wechatData.applyWechatProfile(user.id, dto);
  }

  @Post('phone')
  @ApiOperation({ summary: 'Bind my phone number', description: 'Either `{code}` of a getPhoneNumber button or `{encryptedData, iv}` of the older flow.' })
  @HttpCode(200)
  @ApiErrors({ 400: ['WECHAT_CODE_INVALID', 'SESSION_KEY_STALE'], 429: ['WECHAT_RATE_LIMITED'], 502: ['WECHAT_ERROR'], 503: ['WECHAT_UNAVAILABLE'] })
  @ApiOkResponse({ type: UserResponse })
  phone(@CurrentUser() user: AuthUser, @Body() dto: PhoneNumberDto): Promise<UserResponse> {
    return this.wechatData.setPhone(user.id, dto);
  }

  @Delete()
  @ApiOperation({ summary: 'Erase my account', description: 'The last enabled admin cannot erase itself (409 LAST_ADMIN).' })
  @HttpCode(204)
  @ApiErrors({ 409: ['LAST_ADMIN'] })
  @ApiNoContentResponse({ description: 'The account is erased: profile cleared, sessions revoked' })
  erase(@CurrentUser() user: AuthUser): Promise<void> {
    return this.accounts.erase(user.id);
  }
}
