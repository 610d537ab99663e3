import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '../database/migrator';
import { HealthResponse } from './dto/health.response';
import { HealthCheckFailedError, ShuttingDownError } from './health.errors';
import { Readiness } from './readiness';

@Injectable()
export class HealthService {
  private readonly logger = new Logger('Health');
  /** What the last check found down (empty: healthy), so only a change is logged, not every poll. */
  private lastDown: string[] = [];
  /** Once the schema is current it stays so for this build: no need to ask again. */
  private schemaCurrent = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly readiness: Readiness,
  ) {}

  /**
   * Ready: not shutting down (else ShuttingDownError, 503), the database answers within a
   * second and has every migration this build knows (else HealthCheckFailedError, 503). With
   * MIGRATIONS_RUN=false an instance started before `migrate` ran is not ready until it has.
   */
  async check(): Promise<HealthResponse> {
    if (this.readiness.draining) throw new ShuttingDownError();
    let result: HealthCheckResult;
    try {
      result = await this.health.check([() => this.db.pingCheck('database', { timeout: 1000 }), () => this.schemaCheck()]);
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

  private async schemaCheck() {
    if (!this.schemaCurrent) this.schemaCurrent = (await pendingMigrations(this.dataSource)).length === 0;
    if (!this.schemaCurrent) throw new ServiceUnavailableException({ status: 'error', details: { schema: { status: 'down' } } });
    return { schema: { status: 'up' as const } };
  }
}
