import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { HealthResponse } from './dto/health.response';
import { HealthCheckFailedError } from './health.errors';

@Injectable()
export class HealthService {
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
      const down = Object.entries(details?.details ?? {}).filter(([, v]) => v.status !== 'up').map(([k]) => k);
      throw new HealthCheckFailedError(down.length ? down : ['database']);
    }
    return { status: 'ok', info: Object.fromEntries(Object.keys(result.info ?? {}).map((k) => [k, { status: 'up' as const }])) };
  }
}
