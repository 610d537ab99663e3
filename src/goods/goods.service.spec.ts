import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config';
import type { GoodsEntity } from './entities/goods.entity';
import { GoodsVersionConflictError, IdempotencyKeyReusedError, InvalidCursorError, InvalidIdempotencyKeyError, PageTooDeepError } from './goods.errors';
import { GoodsRepository } from './goods.repository';
import { GoodsService } from './goods.service';

const USER = { id: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'staff' as const, sessionId: 's' };

function goods(fields: Partial<GoodsEntity> = {}): GoodsEntity {
  return {
    id: '11111111-1111-4111-8111-111111111111', name: '奶', description: null, price: '0.10', stock: 0, category: null, onSale: true,
    imageUrl: null, createdBy: USER.id, updatedBy: USER.id, version: 1, createdAt: new Date(0), updatedAt: new Date(0), ...fields,
  } as GoodsEntity;
}

describe(GoodsService.name, () => {
  let repo: Record<string, ReturnType<typeof vi.fn>>;
  let sut: GoodsService;

  beforeEach(() => {
    repo = {
      insert: vi.fn(async () => goods()),
      insertIdempotent: vi.fn(),
      findById: vi.fn(),
      update: vi.fn(),
      deleteById: vi.fn(async () => true),
      list: vi.fn(async () => []),
      countUpTo: vi.fn(async () => 0),
    };
    sut = new GoodsService(repo as unknown as GoodsRepository, { goodsCountCacheSeconds: 10 } as AppConfig);
  });

  it('should pass the price on as the exact decimal the client wrote', async () => {
    await sut.create(USER, { name: '奶', price: 0.1 });
    expect(repo.insert).toHaveBeenCalledWith(expect.objectContaining({ price: '0.1', stock: 0, onSale: true, category: null }), USER.id);
    await expect(sut.get('x').catch((e) => e.code)).resolves.toBe('GOODS_NOT_FOUND');
  });

  it('should answer the price as a JSON number', async () => {
    repo.findById.mockResolvedValue(goods({ price: '99999999.99' }));
    await expect(sut.get('x')).resolves.toMatchObject({ price: 99999999.99 });
  });

  it('should map idempotency outcomes', async () => {
    await expect(sut.create(USER, { name: '奶', price: 1 }, 'bad key with spaces')).rejects.toBeInstanceOf(InvalidIdempotencyKeyError);
    repo.insertIdempotent.mockResolvedValueOnce({ kind: 'mismatch' });
    await expect(sut.create(USER, { name: '奶', price: 1 }, 'k')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    repo.insertIdempotent.mockResolvedValueOnce({ kind: 'replayed', goods: goods() });
    await expect(sut.create(USER, { name: '奶', price: 1 }, 'k')).resolves.toMatchObject({ id: goods().id });
  });

  it('should hash the same request the same way and another request differently', async () => {
    repo.insertIdempotent.mockResolvedValue({ kind: 'created', goods: goods() });
    await sut.create(USER, { name: '奶', price: 1, stock: 0 }, 'k');
    await sut.create(USER, { stock: 0, price: 1, name: '奶' }, 'k');
    await sut.create(USER, { name: '奶', price: 1.1 }, 'k');
    const hashes = repo.insertIdempotent.mock.calls.map((c) => (c[3] as Buffer).toString('hex'));
    expect(hashes[0]).toBe(hashes[1]);
    expect(hashes[2]).not.toBe(hashes[0]);
  });

  it('should report a stale version even for an empty patch', async () => {
    repo.findById.mockResolvedValue(goods({ version: 3 }));
    await expect(sut.update(USER, 'x', { version: 2 })).rejects.toBeInstanceOf(GoodsVersionConflictError);
    expect(repo.update).not.toHaveBeenCalled();
  });

  it('should refuse cursor with page, deep pages and bad cursors before querying', async () => {
    await expect(sut.list({ cursor: 'abc', page: 2 })).rejects.toMatchObject({ code: 'CURSOR_WITH_PAGE' });
    await expect(sut.list({ page: 501, pageSize: 20 })).rejects.toBeInstanceOf(PageTooDeepError);
    await expect(sut.list({ cursor: 'abc' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(sut.list({ minPrice: '10', maxPrice: '9.99' })).rejects.toMatchObject({ status: 400 });
    expect(repo.list).not.toHaveBeenCalled();
  });

  it('should walk the ordering index for a multi-gram search matching more than the cap, near the start only', async () => {
    repo.countUpTo.mockResolvedValue(10_001);
    await sut.list({ search: '三文鱼' });
    expect(repo.list.mock.calls[0][4]).toBe('walk');
    await sut.list({ search: '三文鱼', page: 100, pageSize: 20 });
    expect(repo.list.mock.calls[1][4]).toBe('indexed');
    await sut.list({ search: '苹果' });
    expect(repo.list.mock.calls[2][4]).toBe('indexed');
    repo.countUpTo.mockResolvedValue(50);
    await sut.list({ search: '鸡胸肉' });
    expect(repo.list.mock.calls[3][4]).toBe('indexed');
  });

  it('should collect and sort the matches of a search ordered by name, and read everything else by index', async () => {
    repo.countUpTo.mockResolvedValue(10_001);
    for (const search of ['苹果', '三文鱼']) {
      for (const ordering of ['name', '-name'] as const) {
        repo.list.mockClear();
        await sut.list({ search, ordering });
        expect(repo.list.mock.calls[0][4], `${search} ${ordering}`).toBe('collect');
      }
    }
    repo.list.mockClear();
    await sut.list({ onSale: false, ordering: '-name' });
    await sut.list({ category: '乳品', ordering: 'price' });
    expect(repo.list.mock.calls.map((c) => c[4])).toEqual(['indexed', 'indexed']);
  });

  it('should cap the total and skip recounting a filter known to be over the cap until a delete', async () => {
    repo.countUpTo.mockResolvedValue(10_001);
    await expect(sut.list({})).resolves.toMatchObject({ total: 10_000, totalExact: false, page: 1, pageSize: 20, nextCursor: null });
    await expect(sut.list({})).resolves.toMatchObject({ total: 10_000, totalExact: false });
    expect(repo.countUpTo).toHaveBeenCalledTimes(1);
    await sut.delete('x');
    repo.countUpTo.mockResolvedValue(42);
    await expect(sut.list({})).resolves.toMatchObject({ total: 42, totalExact: true });
    // Exact totals are never cached.
    await sut.list({});
    expect(repo.countUpTo).toHaveBeenCalledTimes(3);
  });
});
