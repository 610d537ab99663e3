import type { Clock } from '../../src/common/clock';

/** A clock that runs with real time plus an offset a test moves forward. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
