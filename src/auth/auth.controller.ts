import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { AuthRateLimit } from '../rate-limit/auth-rate-limit.decorator';
import { AuthService, LoggedInUser } from './auth.service';
import { PasswordLoginDto } from './dto/password-login.dto';
import { RefreshTokenDto, TokenPairResponse, VerifyTokenDto, VerifyTokenResponse } from './dto/token.dto';
import { WechatLoginDto } from './dto/wechat-login.dto';
import { StrategyGuard } from './guards/strategy.guard';
import { LoggedIn, UserAgent } from './logged-in.decorator';
import { SessionsService } from './sessions.service';
import { PasswordStrategy } from './strategies/password.strategy';
import { WechatCodeStrategy } from './strategies/wechat-code.strategy';

/** The login bodies are validated by their strategies (guards run before pipes); @ApiBody documents them. */
@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('wechat/login')
  @ApiOperation({ summary: 'Log in with a wx.login() code', description: 'Creates the user on first login. Answers a TokenPair.' })
  @HttpCode(200)
  @AuthRateLimit()
  @UseGuards(StrategyGuard(WechatCodeStrategy))
  @ApiBody({ type: WechatLoginDto })
  @ApiErrors({
    401: ['WECHAT_CODE_INVALID', 'WECHAT_CODE_USED'],
    403: ['WECHAT_USER_BLOCKED', 'USER_DISABLED'],
    429: ['WECHAT_RATE_LIMITED'],
    502: ['WECHAT_ERROR'],
    503: ['WECHAT_UNAVAILABLE'],
  })
  @ApiOkResponse({ type: TokenPairResponse })
  wechatLogin(@LoggedIn() login: LoggedInUser, @UserAgent() userAgent?: string): Promise<TokenPairResponse> {
    return this.auth.openSession(login, userAgent);
  }

  /** Staff and admin accounts. Unknown username and wrong password: the same 401 INVALID_CREDENTIALS. */
  @Post('token')
  @ApiOperation({ summary: 'Log a staff or admin account in with username and password' })
  @HttpCode(200)
  @AuthRateLimit()
  @UseGuards(StrategyGuard(PasswordStrategy))
  @ApiBody({ type: PasswordLoginDto })
  @ApiErrors({ 401: ['INVALID_CREDENTIALS'], 403: ['USER_DISABLED'] })
  @ApiOkResponse({ type: TokenPairResponse })
  passwordLogin(@LoggedIn() login: LoggedInUser, @UserAgent() userAgent?: string): Promise<TokenPairResponse> {
    return this.auth.openSession(login, userAgent);
  }

  @Post('refresh')
  @ApiOperation({ summary: 'Trade a refresh token for a new TokenPair', description: 'Refresh tokens are single use: presenting a spent one again revokes the session (REFRESH_TOKEN_REUSED).' })
  @HttpCode(200)
  @ApiErrors({ 401: ['REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED', 'REFRESH_IN_PROGRESS'], 403: ['USER_DISABLED'] })
  @ApiOkResponse({ type: TokenPairResponse })
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenPairResponse> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Post('verify')
  @ApiOperation({ summary: 'Check an access token' })
  @HttpCode(200)
  @ApiErrors({ 401: ['TOKEN_INVALID', 'TOKEN_EXPIRED'] })
  @ApiOkResponse({ type: VerifyTokenResponse })
  verify(@Body() dto: VerifyTokenDto): Promise<VerifyTokenResponse> {
    return this.auth.verify(dto.token);
  }

  @Post('logout')
  @ApiOperation({ summary: 'End the session of a refresh token' })
  @HttpCode(204)
  @ApiNoContentResponse()
  logout(@Body() dto: RefreshTokenDto): Promise<void> {
    return this.sessions.logout(dto.refreshToken);
  }
}
