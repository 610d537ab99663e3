import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, type Mocked, vi } from 'vitest';
import type { AuditContext } from '../audit/audit-entry';
import type { MediaService } from '../media/media.service';
import type { GoodsEntity } from './entities/goods.entity';
import { decodeCursor, encodeCursor } from './goods-cursor';
import {
  CursorWithPageError,
  GoodsNotFoundError,
  GoodsVersionConflictError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  InvalidIdempotencyKeyError,
  PageTooDeepError,
  PriceRangeInvertedError,
} from './goods.errors';
import { GoodsPage, GoodsRepository, IdempotentCreateResult } from './goods.repository';
import { GoodsService } from './goods.service';

const USER = { id: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'staff' as const, sessionId: 's' };
const ID = '11111111-1111-4111-8111-111111111111';
const AUDIT: AuditContext = { actorId: USER.id, requestId: 'req-1' };

function goods(fields: Partial<GoodsEntity> = {}): GoodsEntity {
  return {
    id: ID, name: '奶', description: null, price: '0.10', stock: 0, category: null, onSale: true,
    imageUrl: null, images: [], createdBy: USER.id, updatedBy: USER.id, version: 1, createdAt: new Date(0), updatedAt: new Date(0), ...fields,
  } as GoodsEntity;
}

function page(fields: Partial<GoodsPage> = {}): GoodsPage {
  return { rows: [], hasMore: false, total: 0, totalExact: true, ...fields };
}

describe(GoodsService.name, () => {
  let repo: Mocked<Pick<GoodsRepository, 'findById' | 'insert' | 'insertIdempotent' | 'update' | 'deleteById' | 'listPage' | 'deleteExpiredIdempotencyKeys'>>;
  let media: Mocked<Pick<MediaService, 'freeReleased'>>;
  let sut: GoodsService;

  beforeEach(() => {
    repo = {
      findById: vi.fn(async () => null),
      insert: vi.fn(async () => goods()),
      insertIdempotent: vi.fn(),
      update: vi.fn(),
      deleteById: vi.fn(async () => ({ kind: 'deleted' as const, released: [] })),
      listPage: vi.fn(async () => page()),
      deleteExpiredIdempotencyKeys: vi.fn(async () => undefined),
    };
    media = { freeReleased: vi.fn(async () => undefined) };
    sut = new GoodsService(repo as unknown as GoodsRepository, media as unknown as MediaService);
  });

  describe('get', () => {
    it('should answer the price as a JSON number', async () => {
      repo.findById.mockResolvedValue(goods({ price: '99999999.99' }));
      await expect(sut.get(ID)).resolves.toMatchObject({ id: ID, price: 99999999.99 });
    });

    it('should refuse goods that do not exist', async () => {
      await expect(sut.get(ID)).rejects.toBeInstanceOf(GoodsNotFoundError);
    });
  });

  describe('create', () => {
    it('should store the price as the exact decimal the client wrote, with the defaults', async () => {
      await sut.create(USER, { name: '奶', price: 0.1 }, AUDIT);
      expect(repo.insert).toHaveBeenCalledWith(
        { name: '奶', price: '0.1', stock: 0, category: null, onSale: true, description: null, imageUrl: null, images: [] },
        USER.id,
        AUDIT,
      );
    });

    it('should fingerprint a key without an empty gallery, as before images existed, so a retry across the upgrade replays', async () => {
      repo.insertIdempotent.mockResolvedValue({ kind: 'created', goods: goods() });
      await sut.create(USER, { name: '奶', price: 1 }, AUDIT, 'k');
      const before = [['category', null], ['description', null], ['imageUrl', null], ['name', '奶'], ['onSale', true], ['price', '1'], ['stock', 0]];
      expect(repo.insertIdempotent.mock.calls[0][3]).toEqual(createHash('sha256').update(JSON.stringify(before)).digest());
      await sut.create(USER, { name: '奶', price: 1, images: ['https://img.example.com/a.jpg'] }, AUDIT, 'k');
      expect(repo.insertIdempotent.mock.calls[1][3]).not.toEqual(repo.insertIdempotent.mock.calls[0][3]);
    });

    it('should refuse an Idempotency-Key that is not 1-255 visible ASCII characters', async () => {
      await expect(sut.create(USER, { name: '奶', price: 1 }, AUDIT, 'bad key with spaces')).rejects.toBeInstanceOf(InvalidIdempotencyKeyError);
      await expect(sut.create(USER, { name: '奶', price: 1 }, AUDIT, 'x'.repeat(256))).rejects.toBeInstanceOf(InvalidIdempotencyKeyError);
      expect(repo.insertIdempotent).not.toHaveBeenCalled();
    });

    it('should answer the goods of a replayed key, and not found when it was deleted since', async () => {
      repo.insertIdempotent.mockResolvedValueOnce({ kind: 'replayed', goods: goods({ name: 'first' }) });
      await expect(sut.create(USER, { name: '奶', price: 1 }, AUDIT, 'k')).resolves.toMatchObject({ id: ID, name: 'first' });
      repo.insertIdempotent.mockResolvedValueOnce({ kind: 'replayed', goods: null });
      await expect(sut.create(USER, { name: '奶', price: 1 }, AUDIT, 'k')).rejects.toBeInstanceOf(GoodsNotFoundError);
    });

    it('should replay the same body sent again with the key and refuse another body', async () => {
      // Behaves like the table: the first hash a key is sent with is the one it keeps.
      const hashes = new Map<string, string>();
      repo.insertIdempotent.mockImplementation(async (_goods, _userId, key, requestHash): Promise<IdempotentCreateResult> => {
        const hash = requestHash.toString('hex');
        const first = hashes.get(key);
        if (first === undefined) {
          hashes.set(key, hash);
          return { kind: 'created', goods: goods() };
        }
        return first === hash ? { kind: 'replayed', goods: goods() } : { kind: 'mismatch' };
      });
      await expect(sut.create(USER, { name: '奶', price: 1, stock: 0 }, AUDIT, 'k')).resolves.toMatchObject({ id: ID });
      // The same fields in another order, and the defaults written out: the same request.
      await expect(sut.create(USER, { stock: 0, price: 1, name: '奶', onSale: true }, AUDIT, 'k')).resolves.toMatchObject({ id: ID });
      await expect(sut.create(USER, { name: '奶', price: 1.1 }, AUDIT, 'k')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(sut.create(USER, { name: '奶', price: 1, description: 'x' }, AUDIT, 'k')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    });
  });

  describe('update', () => {
    it('should report a stale version even for an empty patch, and change nothing', async () => {
      repo.findById.mockResolvedValue(goods({ version: 3 }));
      await expect(sut.update(USER, ID, { version: 2 }, AUDIT)).rejects.toMatchObject({ constructor: GoodsVersionConflictError, currentVersion: 3 });
      await expect(sut.update(USER, ID, { version: 3 }, AUDIT)).resolves.toMatchObject({ version: 3 });
      expect(repo.update).not.toHaveBeenCalled();
    });

    it('should answer the repository outcome of a patch', async () => {
      repo.update.mockResolvedValueOnce({ kind: 'updated', goods: goods({ name: 'new', version: 2 }), released: [] });
      await expect(sut.update(USER, ID, { name: 'new' }, AUDIT)).resolves.toMatchObject({ name: 'new', version: 2 });
      repo.update.mockResolvedValueOnce({ kind: 'conflict', currentVersion: 7 });
      await expect(sut.update(USER, ID, { name: 'new', version: 6 }, AUDIT)).rejects.toMatchObject({ constructor: GoodsVersionConflictError, currentVersion: 7 });
      repo.update.mockResolvedValueOnce({ kind: 'missing' });
      await expect(sut.update(USER, ID, { name: 'new' }, AUDIT)).rejects.toBeInstanceOf(GoodsNotFoundError);
    });

    it('should pass the patch and the audit context down, and free the images the goods let go after the write', async () => {
      repo.update.mockResolvedValueOnce({ kind: 'updated', goods: goods({ version: 2 }), released: ['m1', 'm2'] });
      await sut.update(USER, ID, { imageUrl: null, images: ['https://img.example.com/b.jpg'], version: 1 }, AUDIT);
      expect(repo.update).toHaveBeenCalledWith(ID, { imageUrl: null, images: ['https://img.example.com/b.jpg'] }, 1, USER.id, AUDIT);
      expect(media.freeReleased).toHaveBeenCalledWith(['m1', 'm2']);
    });
  });

  describe('delete', () => {
    it('should refuse goods that do not exist', async () => {
      await expect(sut.delete(ID, AUDIT)).resolves.toBeUndefined();
      repo.deleteById.mockResolvedValue({ kind: 'missing' });
      await expect(sut.delete(ID, AUDIT)).rejects.toBeInstanceOf(GoodsNotFoundError);
    });

    it('should free the deleted goods\' images after the delete', async () => {
      repo.deleteById.mockResolvedValue({ kind: 'deleted', released: ['m1'] });
      await sut.delete(ID, AUDIT);
      expect(repo.deleteById).toHaveBeenCalledWith(ID, AUDIT);
      expect(media.freeReleased).toHaveBeenCalledWith(['m1']);
    });
  });

  describe('list', () => {
    it('should refuse cursor with page, deep pages, bad cursors and an inverted price range before reading', async () => {
      const cursor = encodeCursor('-createdAt', {}, { value: '2026-01-01T00:00:00.000000Z', id: ID });
      await expect(sut.list({ cursor, page: 2 })).rejects.toBeInstanceOf(CursorWithPageError);
      await expect(sut.list({ page: 501, pageSize: 20 })).rejects.toBeInstanceOf(PageTooDeepError);
      await expect(sut.list({ cursor: 'abc' })).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(sut.list({ cursor, ordering: 'price' })).rejects.toMatchObject({ constructor: InvalidCursorError, message: expect.stringContaining('another ordering') });
      await expect(sut.list({ cursor, search: '奶' })).rejects.toMatchObject({ constructor: InvalidCursorError, message: expect.stringContaining('other filters') });
      await expect(sut.list({ minPrice: '10', maxPrice: '9.99' })).rejects.toBeInstanceOf(PriceRangeInvertedError);
      expect(repo.listPage).not.toHaveBeenCalled();
    });

    it('should keep the status, code and message of the refusals clients already know', () => {
      expect(new CursorWithPageError()).toMatchObject({
        status: 400,
        code: 'CURSOR_WITH_PAGE',
        message: 'cursor and page cannot be used together: the cursor already says where the page starts',
      });
      expect(new PriceRangeInvertedError()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'minPrice must not be greater than maxPrice' });
    });

    it('should accept a price range whose ends are the same amount', async () => {
      await expect(sut.list({ minPrice: '10', maxPrice: '10.00' })).resolves.toMatchObject({ items: [] });
    });

    it('should ask for the first page of 20, newest first, counted up to 10,000, by default', async () => {
      await sut.list({});
      expect(repo.listPage).toHaveBeenCalledWith({ filter: expect.objectContaining({ search: undefined }), ordering: '-createdAt', position: { offset: 0 }, size: 20, countCap: 10_000 });
    });

    it('should ask for the page, filters and ordering given, with the search trimmed and an empty one dropped', async () => {
      await sut.list({ page: 3, pageSize: 7, search: '  奶 ', category: '乳品', onSale: false, minPrice: '1', maxPrice: '2', ordering: 'name' });
      expect(repo.listPage).toHaveBeenLastCalledWith(
        expect.objectContaining({ filter: { search: '奶', category: '乳品', onSale: false, minPrice: '1', maxPrice: '2' }, ordering: 'name', position: { offset: 14 }, size: 7 }),
      );
      await sut.list({ search: '   ' });
      expect(repo.listPage).toHaveBeenLastCalledWith(expect.objectContaining({ filter: expect.objectContaining({ search: undefined }) }));
    });

    it('should answer a page with its total and no cursor on the last page', async () => {
      repo.listPage.mockResolvedValue(page({ rows: [{ goods: goods({ price: '12.50' }), sortKey: 'x' }], total: 1, totalExact: true }));
      await expect(sut.list({ pageSize: 5 })).resolves.toEqual({
        items: [expect.objectContaining({ id: ID, price: 12.5 })],
        total: 1,
        totalExact: true,
        page: 1,
        pageSize: 5,
        nextCursor: null,
      });
    });

    it('should answer a capped total as not exact', async () => {
      repo.listPage.mockResolvedValue(page({ total: 10_000, totalExact: false }));
      await expect(sut.list({})).resolves.toMatchObject({ total: 10_000, totalExact: false });
    });

    it('should answer a cursor that continues after the last row, for the same ordering and filters only', async () => {
      const last = goods({ id: '22222222-2222-4222-8222-222222222222' });
      repo.listPage.mockResolvedValue(page({ rows: [{ goods: goods(), sortKey: '1.00' }, { goods: last, sortKey: '2.00' }], hasMore: true, total: 3 }));
      const { nextCursor } = await sut.list({ ordering: 'price', category: '乳品', pageSize: 2 });
      expect(decodeCursor(nextCursor!, 'price', { category: '乳品' })).toEqual({ ok: true, keyset: { value: '2.00', id: last.id } });
      expect(decodeCursor(nextCursor!, 'price', {})).toEqual({ ok: false, reason: 'mismatch' });

      await expect(sut.list({ ordering: 'price', category: '乳品', pageSize: 2, cursor: nextCursor! })).resolves.toMatchObject({ page: null });
      expect(repo.listPage).toHaveBeenLastCalledWith(expect.objectContaining({ position: { after: { value: '2.00', id: last.id } } }));
    });
  });
});
