import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '../common/auth-user';
import { CLOCK, Clock } from '../common/clock';

export interface CachedPrincipal {
  userId: string;
  role: Role;
  /** false when the session is revoked, expired or gone, or the user is disabled or gone. */
  active: boolean;
}

/** Kept short: a revocation or a role change made on another instance shows within this time. */
export const PRINCIPAL_TTL_MS = 4000;
const MAX_ENTRIES = 50_000;

/**
 * What the JWT strategy learnt about a session, for a few seconds, so a guarded request
 * does not cost a query. Revocations on this instance drop entries at once.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries = new Map<string, { value: CachedPrincipal; expiresAt: number }>();

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  get(sessionId: string): CachedPrincipal | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry.value;
  }

  set(sessionId: string, value: CachedPrincipal): void {
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(sessionId, { value, expiresAt: this.clock.now() + PRINCIPAL_TTL_MS });
  }

  forgetSession(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  forgetUser(userId: string): void {
    for (const [sid, entry] of this.entries) if (entry.value.userId === userId) this.entries.delete(sid);
  }
}
