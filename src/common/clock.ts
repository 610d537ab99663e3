/** Injection token of the Clock: code that reasons about expiry asks it the time, so tests can move time instead of sleeping. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
}

/** The real clock. A class (not a shared object) so each app instance gets its own. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
