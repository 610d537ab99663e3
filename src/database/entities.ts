import { RefreshTokenEntity } from '../auth/entities/refresh-token.entity';
import { SessionEntity } from '../auth/entities/session.entity';
import { UserEntity } from '../users/entities/user.entity';

/** Every entity, listed as classes so the app, the CLI and the tests load the same set. */
export const ENTITIES = [UserEntity, SessionEntity, RefreshTokenEntity];
