import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RedisModule } from '../redis/redis.module';
import { WechatAccessTokenEntity } from './entities/wechat-access-token.entity';
import { SharedCodeExchange } from './shared-code-exchange';
import { WechatAccessTokenService } from './wechat-access-token.service';
import { WechatCrypto } from './wechat-crypto';
import { WechatHttpClient } from './wechat-http.client';
import { WechatPhoneService } from './wechat-phone.service';
import { WechatTokenRepository } from './wechat-token.repository';
import { WechatService } from './wechat.service';

@Module({
  imports: [TypeOrmModule.forFeature([WechatAccessTokenEntity]), RedisModule],
  providers: [
    WechatHttpClient,
    SharedCodeExchange,
    WechatService,
    WechatCrypto,
    WechatTokenRepository,
    WechatAccessTokenService,
    WechatPhoneService,
  ],
  exports: [WechatService, WechatCrypto, WechatAccessTokenService, WechatPhoneService],
})
export class WechatModule {}
