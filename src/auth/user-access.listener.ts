import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { USER_ACCESS_CHANGED, UserAccessChangedEvent } from '../users/user-events';
import { PrincipalBroadcast } from './principal-broadcast';
import { SessionsService } from './sessions.service';

/**
 * Auth's side of the users seam: a disabled account loses its sessions; after any change every
 * instance forgets the user's cached principals (at once on this one, through the broadcast on the others).
 */
@Injectable()
export class UserAccessListener {
  constructor(
    private readonly sessions: SessionsService,
    private readonly broadcast: PrincipalBroadcast,
  ) {}

  @OnEvent(USER_ACCESS_CHANGED, { suppressErrors: false })
  async onAccessChanged(event: UserAccessChangedEvent): Promise<void> {
    // An erased account's sessions went with its row (ON DELETE CASCADE); a disabled one's are revoked,
    // so re-enabling the account does not bring them back. Revoking forgets the user everywhere too.
    if (event.change === 'disabled') await this.sessions.revokeAllOfUser(event.userId, 'disabled');
    else this.broadcast.forgetUser(event.userId);
  }
}
