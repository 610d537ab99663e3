import { AuditLogEntity } from '../audit/entities/audit-log.entity';
import { RefreshTokenEntity } from '../auth/entities/refresh-token.entity';
import { SessionEntity } from '../auth/entities/session.entity';
import { GoodsEntity } from '../goods/entities/goods.entity';
import { IdempotencyKeyEntity } from '../goods/entities/idempotency-key.entity';
import { MediaReferenceEntity } from '../media/entities/media-reference.entity';
import { MediaReleaseEntity } from '../media/entities/media-release.entity';
import { MediaEntity } from '../media/entities/media.entity';
import { UserEntity } from '../users/entities/user.entity';
import { WechatAccessTokenEntity } from '../wechat/entities/wechat-access-token.entity';

/** Every entity, listed as classes so the app, the CLI and the tests load the same set. */
export const ENTITIES = [
  UserEntity,
  SessionEntity,
  RefreshTokenEntity,
  GoodsEntity,
  IdempotencyKeyEntity,
  WechatAccessTokenEntity,
  MediaEntity,
  MediaReferenceEntity,
  MediaReleaseEntity,
  AuditLogEntity,
];
