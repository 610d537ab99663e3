import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log of staff writes (src/audit). Read newest first, filtered by actor, target or
 * action: each filter's column(s), then `(at, id)`, lets a page read exactly its rows in order.
 */
export class AuditLog1796183500000 implements MigrationInterface {
  name = 'AuditLog1796183500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid NULL,
        action varchar(40) NOT NULL,
        target_type varchar(20) NOT NULL,
        target_id uuid NOT NULL,
        changes jsonb NOT NULL,
        request_id varchar(128) NULL
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at, id)`);
    await q.query(`CREATE INDEX audit_log_actor_at_idx ON audit_log (actor_id, at, id)`);
    await q.query(`CREATE INDEX audit_log_target_at_idx ON audit_log (target_type, target_id, at, id)`);
    await q.query(`CREATE INDEX audit_log_action_at_idx ON audit_log (action, at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
  }
}
