import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { RolesGuard } from '../common/guards/roles.guard';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisModule } from '../redis/redis.module';
import { UsersModule } from '../users/users.module';
import { WechatModule } from '../wechat/wechat.module';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { AccessTokens, accessTokensFor } from './access-tokens';
import { PrincipalBroadcast } from './principal-broadcast';
import { PrincipalCache } from './principal-cache';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { JwtStrategy } from './strategies/jwt.strategy';
import { PasswordStrategy } from './strategies/password.strategy';
import { WechatCodeStrategy } from './strategies/wechat-code.strategy';
import { UserAccessListener } from './user-access.listener';

@Module({
  imports: [
    PassportModule,
    UsersModule,
    WechatModule,
    RedisModule,
  ],
  controllers: [AuthController],
  providers: [
    { provide: AccessTokens, inject: [APP_CONFIG], useFactory: accessTokensFor },
    AuthService,
    SessionsRepository,
    SessionsService,
    PrincipalCache,
    PrincipalBroadcast,
    AccessTokenAuthenticator,
    JwtStrategy,
    WechatCodeStrategy,
    PasswordStrategy,
    UserAccessListener,
    // In this order: the caller is known (JwtAuthGuard) before its role is checked (RolesGuard).
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
})
export class AuthModule {}
