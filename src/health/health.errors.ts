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

/** The instance is shutting down (SIGTERM): a load balancer takes it out of rotation. Polled: not logged. */
export class ShuttingDownError extends DomainError {
  readonly status = 503;
  readonly code = 'SHUTTING_DOWN';
  override readonly quiet = true;
  constructor() {
    super('This instance is shutting down');
  }
}
