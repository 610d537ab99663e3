import { Module } from '@nestjs/common';
import { WechatHttpClient } from './wechat-http.client';
import { WechatService } from './wechat.service';

@Module({ providers: [WechatHttpClient, WechatService], exports: [WechatService] })
export class WechatModule {}
