import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { StrategyGuard } from '../common/guards/strategy.guard';
import { AuthService, WechatLogin } from './auth.service';
import { AuthenticatedLogin } from './decorators/wechat-login.decorator';
import { RefreshTokenDto, TokenPairResponse, VerifyTokenDto, VerifyTokenResponse } from './dto/token.dto';
import { WechatLoginDto } from './dto/wechat-login.dto';
import { SessionsService } from './sessions.service';
import { WechatCodeStrategy } from './strategies/wechat-code.strategy';
import { PasswordStrategy } from './strategies/password.strategy';
import { PasswordLoginDto } from '../users/dto/user-accounts.dto';
import { AuthRateLimit } from '../common/rate-limit/auth-rate-limit.decorator';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('wechat/login')
  @HttpCode(200)
  @AuthRateLimit()
  @ApiErrors({
    401: ['WECHAT_CODE_INVALID', 'WECHAT_CODE_USED'],
    403: ['WECHAT_USER_BLOCKED', 'USER_DISABLED'],
    429: ['WECHAT_RATE_LIMITED'],
    502: ['WECHAT_ERROR'],
    503: ['WECHAT_UNAVAILABLE'],
  })
  @UseGuards(StrategyGuard(WechatCodeStrategy))
  @ApiOkResponse({ type: TokenPairResponse })
  wechatLogin(
    @AuthenticatedLogin() login: WechatLogin,
    @Body() _dto: WechatLoginDto,
    @Headers('user-agent') userAgent?: string,
  ): Promise<TokenPairResponse> {
    return this.auth.completeLogin(login, userAgent);
  }

  /** Staff and admin accounts. Unknown username and wrong password: the same 401 INVALID_CREDENTIALS. */
  @Post('token')
  @HttpCode(200)
  @AuthRateLimit()
  @ApiErrors({ 401: ['INVALID_CREDENTIALS'], 403: ['USER_DISABLED'] })
  @UseGuards(StrategyGuard(PasswordStrategy))
  @ApiOkResponse({ type: TokenPairResponse })
  passwordLogin(
    @AuthenticatedLogin() login: WechatLogin,
    @Body() _dto: PasswordLoginDto,
    @Headers('user-agent') userAgent?: string,
  ): Promise<TokenPairResponse> {
    return this.auth.completeLogin(login, userAgent);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiErrors({ 401: ['REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED', 'REFRESH_IN_PROGRESS'] })
  @ApiOkResponse({ type: TokenPairResponse })
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenPairResponse> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiErrors({ 401: ['TOKEN_INVALID', 'TOKEN_EXPIRED'] })
  @ApiOkResponse({ type: VerifyTokenResponse })
  verify(@Body() dto: VerifyTokenDto): Promise<VerifyTokenResponse> {
    return this.sessions.verify(dto.token);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse()
  logout(@Body() dto: RefreshTokenDto): Promise<void> {
    return this.sessions.logout(dto.refreshToken);
  }
}
