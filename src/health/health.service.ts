import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { HealthResponse } from './dto/health.response';
import { HealthCheckFailedError } from './health.errors';

@Injectable()
export class HealthService {
  private readonly logger = new Logger('Health');
  /** What the last check found down (empty: healthy), so only a change is logged, not every poll. */
  private lastDown: string[] = [];

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  /** Resolves when the database answers within a second; else HealthCheckFailedError (503). */
  async check(): Promise<HealthResponse> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([() => this.db.pingCheck('database', { timeout: 1000 })]);
    } catch (err) {
      // Terminus puts the driver's error message (host, port, sometimes the user) in its
      // 503 body: keep only which check failed.
      const details = err instanceof ServiceUnavailableException ? (err.getResponse() as HealthCheckResult) : null;
      const found = Object.entries(details?.details ?? {}).filter(([, v]) => v.status !== 'up').map(([k]) => k);
      const down = found.length ? found : ['database'];
      if (down.join() !== this.lastDown.join()) this.logger.warn(`health check failing: ${down.join(', ')} down`);
      this.lastDown = down;
      throw new HealthCheckFailedError(down);
    }
    if (this.lastDown.length) this.logger.log(`health check passing again (${this.lastDown.join(', ')} back)`);
    this.lastDown = [];
    return { status: 'ok', info: Object.fromEntries(Object.keys(result.info ?? {}).map((k) => [k, { status: 'up' as const }])) };
  }
}
