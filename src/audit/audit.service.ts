import { Injectable } from '@nestjs/common';
import { AuditFilter, decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import { AuditCursorInvalidError, AuditRangeInvalidError } from './audit.errors';
import { AuditRepository } from './audit.repository';
import { AuditListResponse, toAuditEntryResponse } from './dto/audit.response';
import type { ListAuditQueryDto } from './dto/list-audit.query';

const DEFAULT_PAGE_SIZE = 50;

/** Reads the audit log. (Rows are written by the goods and users repositories, inside their transactions.) */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** Newest first; `nextCursor` continues the same filters at any depth (keyset, not OFFSET). */
  async list(query: ListAuditQueryDto): Promise<AuditListResponse> {
    const filter: AuditFilter = {
      actorId: query.actor?.toLowerCase(),
      action: query.action,
      targetType: query.targetType,
      targetId: query.targetId?.toLowerCase(),
      from: query.from !== undefined ? new Date(query.from) : undefined,
      to: query.to !== undefined ? new Date(query.to) : undefined,
    };
    if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) throw new AuditRangeInvalidError();
    let after;
    if (query.cursor !== undefined) {
      after = decodeAuditCursor(query.cursor, filter);
      if (!after) throw new AuditCursorInvalidError();
    }
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    // One row more than the page tells whether there is a next page.
    const rows = await this.audit.list(filter, after, pageSize + 1);
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toAuditEntryResponse(row.entry)),
      nextCursor: rows.length > pageSize ? encodeAuditCursor(filter, { at: last.atKey, id: last.entry.id }) : null,
    };
  }
}
