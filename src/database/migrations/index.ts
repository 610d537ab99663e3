import { InitialSchema1763784000000 } from './1763784000000-initial-schema';
import { Goods1763784100000 } from './1763784100000-goods';
import { WechatAccessTokens1763784200000 } from './1763784200000-wechat-access-tokens';
import { TypeormMetadata1763784300000 } from './1763784300000-typeorm-metadata';
import { GoodsFilteredOrderIndexes1763784400000 } from './1763784400000-goods-filtered-order-indexes';
import { Media1796180000000 } from './1796180000000-media';
import { AuditLog1796183500000 } from './1796183500000-audit-log';
import { GoodsImages1796187000000 } from './1796187000000-goods-images';
import { GoodsCreatedAtNameIndex1796190000000 } from './1796190000000-goods-created-at-name-index';
import { GoodsGramCounts1796190100000 } from './1796190100000-goods-gram-counts';
import { GoodsWordGramCounts1796190200000 } from './1796190200000-goods-word-gram-counts';
import { GoodsGramPriceCounts1796190300000 } from './1796190300000-goods-gram-price-counts';
import { GoodsNameGramsExpressionIndex1796190400000 } from './1796190400000-goods-name-grams-expression-index';
import { GoodsNameGramsNoPendingList1796190500000 } from './1796190500000-goods-name-grams-no-pending-list';

/** Every migration in order. New ones are appended here (see README, "Migrations"). */
export const MIGRATIONS = [
  InitialSchema1763784000000,
  Goods1763784100000,
  WechatAccessTokens1763784200000,
  TypeormMetadata1763784300000,
  GoodsFilteredOrderIndexes1763784400000,
  Media1796180000000,
  AuditLog1796183500000,
  GoodsImages1796187000000,
  GoodsCreatedAtNameIndex1796190000000,
  GoodsGramCounts1796190100000,
  GoodsWordGramCounts1796190200000,
  GoodsGramPriceCounts1796190300000,
  GoodsNameGramsExpressionIndex1796190400000,
  GoodsNameGramsNoPendingList1796190500000,
];
