import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { USER_ACCESS_CHANGED, UserAccessChangedEvent } from '../users/user-events';
import { PrincipalCache } from './principal-cache';
import { SessionsService } from './sessions.service';

/** Auth's side of the users seam: a disabled account loses its sessions; any change is forgotten by the principal cache. */
@Injectable()
export class UserAccessListener {
  constructor(
    private readonly sessions: SessionsService,
    private readonly principals: PrincipalCache,
  ) {}

  @OnEvent(USER_ACCESS_CHANGED, { suppressErrors: false })
  async onAccessChanged(event: UserAccessChangedEvent): Promise<void> {
    // An erased account's sessions went with its row (ON DELETE CASCADE); a disabled one's are revoked,
    // so re-enabling the account does not bring them back.
    if (event.change === 'disabled') await this.sessions.revokeAllOfUser(event.userId, 'disabled');
    this.principals.forgetUser(event.userId);
  }
}
