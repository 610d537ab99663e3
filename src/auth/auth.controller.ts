import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import { StrategyGuard } from '../common/guards/strategy.guard';
import { AuthService, WechatLogin } from './auth.service';
import { AuthenticatedLogin } from './decorators/wechat-login.decorator';
import { RefreshTokenDto, TokenPairResponse, VerifyTokenDto, VerifyTokenResponse } from './dto/token.dto';
import { WechatLoginDto } from './dto/wechat-login.dto';
import { SessionsService } from './sessions.service';
import { WechatCodeStrategy } from './strategies/wechat-code.strategy';

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
  @UseGuards(StrategyGuard(WechatCodeStrategy))
  @ApiOkResponse({ type: TokenPairResponse })
  wechatLogin(
    @AuthenticatedLogin() login: WechatLogin,
    @Body() _dto: WechatLoginDto,
    @Headers('user-agent') userAgent?: string,
  ): Promise<TokenPairResponse> {
    return this.auth.completeLogin(login, userAgent);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairResponse })
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenPairResponse> {
    return this.sessions.refresh(dto.refreshToken);
  }

  @Post('verify')
  @HttpCode(200)
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
