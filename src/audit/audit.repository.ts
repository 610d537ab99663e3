import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/sql';
import type { AuditFilter, AuditKeyset } from './audit-cursor';
import type { AuditAction, AuditChanges, AuditContext, AuditEntry, AuditTargetType, NewAuditEntry } from './audit-entry';

export interface ListedAuditEntry {
  entry: AuditEntry;
  /** `at` as the cursor carries it (UTC, microseconds). */
  atKey: string;
}

interface AuditRow {
  id: string;
  at: Date;
  at_key: string;
  actor_id: string | null;
  action: AuditAction;
  target_type: AuditTargetType;
  target_id: string;
  changes: AuditChanges;
  request_id: string | null;
}

/** The audit log: rows are written inside the transaction of the change they record, and never changed. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records one action inside the caller's transaction (`tx`: the EntityManager that
   * `dataSource.transaction()` hands out), so the row commits or rolls back with the change.
   * Refuses a manager outside a transaction: a row written apart from its change could
   * record a change that never happened, or miss one that did.
   */
  async record(tx: EntityManager, context: AuditContext, entry: NewAuditEntry): Promise<void> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error('AuditRepository.record must run inside the transaction of the change it records');
    }
    await tx.query(
      `INSERT INTO audit_log (actor_id, action, target_type, target_id, changes, request_id)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [context.actorId, entry.action, entry.targetType, entry.targetId, JSON.stringify(entry.changes), context.requestId],
    );
  }

  /** Newest first (ties by id), after `after` when given; `limit` rows at most. */
  async list(filter: AuditFilter, after: AuditKeyset | undefined, limit: number): Promise<ListedAuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.actorId !== undefined) where.push(`actor_id = ${param(filter.actorId)}`);
    if (filter.action !== undefined) where.push(`action = ${param(filter.action)}`);
    if (filter.targetType !== undefined) where.push(`target_type = ${param(filter.targetType)}`);
    if (filter.targetId !== undefined) where.push(`target_id = ${param(filter.targetId)}`);
    if (filter.from !== undefined) where.push(`at >= ${param(filter.from)}`);
    if (filter.to !== undefined) where.push(`at < ${param(filter.to)}`);
    if (after) where.push(`(at, id) < (${param(after.at)}::timestamptz, ${param(after.id)}::uuid)`);
    const rows = await queryRows<AuditRow>(
      this.dataSource,
      `SELECT id, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key,
              actor_id, action, target_type, target_id, changes, request_id
         FROM audit_log
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY at DESC, id DESC
        LIMIT ${param(limit)}`,
      params,
    );
    return rows.map((row) => ({
      atKey: row.at_key,
      entry: {
        id: row.id,
        at: row.at,
        actorId: row.actor_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        changes: row.changes,
        requestId: row.request_id,
      },
    }));
  }
}
