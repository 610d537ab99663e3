import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CLOCK, SystemClock } from '../common/clock';
import { WechatAccessTokenEntity } from './entities/wechat-access-token.entity';
import { WechatAccessTokenService } from './wechat-access-token.service';
import { WechatCrypto } from './wechat-crypto';
import { WechatHttpClient } from './wechat-http.client';
import { WechatPhoneService } from './wechat-phone.service';
import { WechatTokenRepository } from './wechat-token.repository';
import { WechatService } from './wechat.service';

@Module({
  imports: [TypeOrmModule.forFeature([WechatAccessTokenEntity])],
  providers: [
    WechatHttpClient,
    WechatService,
    WechatCrypto,
    WechatTokenRepository,
    WechatAccessTokenService,
    WechatPhoneService,
    // One clock per app instance (tests stub it to move time instead of sleeping).
    { provide: CLOCK, useFactory: () => new SystemClock() },
  ],
  exports: [WechatService, WechatCrypto, WechatAccessTokenService, WechatPhoneService],
})
export class WechatModule {}
