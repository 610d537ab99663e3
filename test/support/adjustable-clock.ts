import type { Clock } from '../../src/common/clock';

/** A clock that runs with real time plus an offset a test moves forward, and that a test can hold still. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private heldAt: number | undefined;

  now(): number {
    return this.heldAt ?? Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (this.heldAt !== undefined) this.heldAt += ms;
    else this.offsetMs += ms;
  }

  /**
   * Stops the clock where it is until `release()`: only `advance()` moves it, so a test that
   * steps up to the edge of a period (4.9 s of a 5 s pause) is not pushed over it by how long
   * its own requests took on a slow machine.
   */
  hold(): void {
    this.heldAt ??= this.now();
  }

  /** Lets it run with real time again, from where it stands (no jump back, no jump forward). */
  release(): void {
    if (this.heldAt === undefined) return;
    this.offsetMs = this.heldAt - Date.now();
    this.heldAt = undefined;
  }
}
