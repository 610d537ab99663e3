import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/**
 * The seam between users and whoever grants or caches access (auth): users announce that an
 * account's access changed, and the listeners act — auth revokes sessions and forgets cached
 * principals, on this instance and (with Redis) every other one (src/auth/principal-broadcast.ts).
 * Users never touch the sessions table.
 */
export const USER_ACCESS_CHANGED = 'users.access-changed';

export type UserAccessChange = 'disabled' | 'enabled' | 'role-changed' | 'erased';

export class UserAccessChangedEvent {
  constructor(
    readonly userId: string,
    readonly change: UserAccessChange,
  ) {}
}

@Injectable()
export class UserEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  /** Resolves once every listener has acted, so the change is in force when the request answers. */
  async accessChanged(userId: string, change: UserAccessChange): Promise<void> {
    await this.emitter.emitAsync(USER_ACCESS_CHANGED, new UserAccessChangedEvent(userId, change));
  }
}
