import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from './audit-entry';
import { AuditCursorInvalidError, AuditRangeInvalidError } from './audit.errors';
import type { AuditRepository, ListedAuditEntry } from './audit.repository';
import { AuditService } from './audit.service';

function row(n: number): ListedAuditEntry {
  const entry: AuditEntry = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    at: new Date(Date.UTC(2026, 0, 31, 8, 0, n)),
    actorId: '11111111-1111-4111-8111-111111111111',
    action: 'goods.update',
    targetType: 'goods',
    targetId: '22222222-2222-4222-8222-222222222222',
    changes: { price: [1, 2] },
    requestId: `req-${n}`,
  };
  return { entry, atKey: `2026-01-31T08:00:${String(n).padStart(2, '0')}.000001Z` };
}

describe(AuditService.name, () => {
  let sut: AuditService;
  let list: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    list = vi.fn();
    sut = new AuditService({ list } as unknown as AuditRepository);
  });

  it('should ask for one row more than the page and give a cursor when there is more', async () => {
    list.mockResolvedValue([row(3), row(2), row(1)]);
    const page = await sut.list({ pageSize: 2 });
    expect(list).toHaveBeenCalledWith(expect.any(Object), undefined, 3);
    expect(page.items.map((i) => i.requestId)).toEqual(['req-3', 'req-2']);
    expect(page.items[0]).toEqual({
      id: row(3).entry.id,
      at: '2026-01-31T08:00:03.000Z',
      actorId: row(3).entry.actorId,
      action: 'goods.update',
      targetType: 'goods',
      targetId: row(3).entry.targetId,
      changes: { price: [1, 2] },
      requestId: 'req-3',
    });
    expect(page.nextCursor).toEqual(expect.any(String));

    list.mockResolvedValue([row(1)]);
    const next = await sut.list({ pageSize: 2, cursor: page.nextCursor! });
    expect(list).toHaveBeenLastCalledWith(expect.any(Object), { at: row(2).atKey, id: row(2).entry.id }, 3);
    expect(next.nextCursor).toBeNull();
  });

  it('should refuse a cursor passed with other filters', async () => {
    list.mockResolvedValue([row(3), row(2), row(1)]);
    const { nextCursor } = await sut.list({ pageSize: 2, action: 'goods.update' });
    await expect(sut.list({ pageSize: 2, action: 'goods.delete', cursor: nextCursor! })).rejects.toBeInstanceOf(AuditCursorInvalidError);
  });

  it('should refuse a time range that ends before it starts', async () => {
    await expect(sut.list({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).rejects.toBeInstanceOf(AuditRangeInvalidError);
    expect(list).not.toHaveBeenCalled();
  });

  it('should pass the filters to the repository as instants and lower-case ids', async () => {
    list.mockResolvedValue([]);
    await sut.list({ actor: 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA', from: '2026-01-01T08:00:00+08:00' });
    expect(list).toHaveBeenCalledWith(
      expect.objectContaining({ actorId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', from: new Date('2026-01-01T00:00:00Z') }),
      undefined,
      51,
    );
  });
});
