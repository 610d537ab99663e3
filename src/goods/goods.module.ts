import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GoodsEntity } from './entities/goods.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { GoodsController } from './goods.controller';
import { GoodsRepository } from './goods.repository';
import { GoodsService } from './goods.service';

@Module({
  imports: [TypeOrmModule.forFeature([GoodsEntity, IdempotencyKeyEntity])],
  controllers: [GoodsController],
  providers: [GoodsRepository, GoodsService],
})
export class GoodsModule {}
