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
 * does not cost a query. Revocations drop entries at once: those made on this instance, and
 * with Redis those of every other instance (PrincipalBroadcast).
 */
@Injectable()
export class PrincipalCache {
  private readonly entries = new Map<string, { value: CachedPrincipal; expiresAt: number }>();
  /** Counts the forgets so far: see `set`. */
  private forgets = 0;

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

  /** Pass to `set` the value this had before the database lookup whose answer is being cached. */
  get generation(): number {
    return this.forgets;
  }

  /**
   * Keeps what a lookup found. With `lookedUpAt` (the `generation` read before the lookup), an
   * answer is not kept when anything was forgotten meanwhile: the lookup may have read the
   * session just before a revocation whose forget has already come and gone, and keeping it
   * would let the revoked token through for the whole lifetime of the entry.
   */
  set(sessionId: string, value: CachedPrincipal, lookedUpAt?: number): void {
    if (lookedUpAt !== undefined && lookedUpAt !== this.forgets) return;
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(sessionId, { value, expiresAt: this.clock.now() + PRINCIPAL_TTL_MS });
  }

  forgetSession(sessionId: string): void {
    this.forgets++;
    this.entries.delete(sessionId);
  }

  forgetUser(userId: string): void {
    this.forgets++;
    for (const [sid, entry] of this.entries) if (entry.value.userId === userId) this.entries.delete(sid);
  }
}
