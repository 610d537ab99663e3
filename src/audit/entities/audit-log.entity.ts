import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditChanges } from '../audit-entry';

/**
 * One staff write. No foreign keys on purpose: the log outlives the accounts and the goods it
 * names (a deleted product or an erased account keeps its history), and nothing rewrites a row.
 * The indexes serve GET /api/audit, newest first, with and without each filter.
 */
@Entity({ name: 'audit_log' })
@Index('audit_log_at_idx', ['at', 'id'])
@Index('audit_log_actor_at_idx', ['actorId', 'at', 'id'])
@Index('audit_log_target_at_idx', ['targetType', 'targetId', 'at', 'id'])
@Index('audit_log_action_at_idx', ['action', 'at', 'id'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The time of the transaction that made the change (now()), the same as the change's updated_at. */
  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at: Date;

  /** null: the system (the operator CLI, the start-up admin). */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 40 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 20 })
  targetType: string;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId: string;

  /** `{field: [before, after]}` of the fields the action changed. */
  @Column({ type: 'jsonb' })
  changes: AuditChanges;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;
}
