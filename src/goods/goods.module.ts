import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CLOCK, Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MediaModule } from '../media/media.module';
import { CappedCountCache } from './capped-count-cache';
import { GoodsController } from './goods.controller';
import { GoodsRepository } from './goods.repository';
import { GoodsService } from './goods.service';

@Module({
  imports: [MediaModule, AuditModule],
  controllers: [GoodsController],
  providers: [
    GoodsRepository,
    GoodsService,
    {
      provide: CappedCountCache,
      inject: [APP_CONFIG, CLOCK],
      useFactory: (config: AppConfig, clock: Clock) => new CappedCountCache(config.goodsCountCacheSeconds * 1000, clock),
    },
  ],
})
export class GoodsModule {}
