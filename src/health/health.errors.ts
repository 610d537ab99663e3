import { DomainError } from '../common/errors';

/** A dependency of the app does not answer. The body names it, never the driver's message (addresses, credentials). */
export class HealthCheckFailedError extends DomainError {
  readonly status = 503;
  readonly code = 'HEALTH_CHECK_FAILED';
  /** Health checks are polled every few seconds: HealthService logs the change of state once instead. */
  override readonly quiet = true;
  constructor(down: string[]) {
    super(`Unhealthy: ${down.join(', ')} down`);
  }
}
