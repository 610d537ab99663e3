import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOCK, Clock } from '../../src/common/clock';
import { MediaHolder, MediaReferencesRepository } from '../../src/media/media-references.repository';
import { MediaSweeper } from '../../src/media/media-sweeper';
import { MediaService } from '../../src/media/media.service';
import { MediaModule } from '../../src/media/media.module';
import { signInAccount } from '../support/factories';
import { png } from '../support/images';
import { openLockHolder, waitForLockWaiters } from '../support/locks';
import { mediaRowCount, startMediaStore, TestMediaStore, uploadMedia } from '../support/media';
import { startTestApp, TestApp } from '../support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The seam phase 2 builds on: holders (users, goods) state what they refer to through
 * MediaReferencesRepository in their own transactions, and MediaService frees what they let go.
 */
describe('media references', () => {
  let store: TestMediaStore;
  let t: TestApp;
  let references: MediaReferencesRepository;
  let service: MediaService;
  let sweeper: MediaSweeper;
  let clock: Clock;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    store = await startMediaStore('local');
    t = await startTestApp({ env: store.env });
    const media = t.app.select(MediaModule);
    references = media.get(MediaReferencesRepository, { strict: true });
    service = media.get(MediaService, { strict: true });
    sweeper = media.get(MediaSweeper, { strict: true });
    clock = t.app.get<Clock>(CLOCK);
  });
  beforeEach(async () => {
    await t.reset();
    const pair = await t.login('o_media_refs');
    token = pair.accessToken;
    userId = pair.user.id;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await store.empty();
  });
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });

  const upload = async (side = 16, as = token, purpose = 'avatar') => {
    const res = await uploadMedia(t, as, await png(side, side), purpose);
    expect(res.status).toBe(201);
    return res.body as { id: string; url: string };
  };
  const replace = (holder: MediaHolder, urls: (string | null)[]) => t.dataSource.transaction((tx) => references.replace(tx, holder, urls));
  const ids = async () => ((await t.dataSource.query(`SELECT id FROM media ORDER BY id`)) as { id: string }[]).map((r) => r.id).sort();

  it('should keep a media two holders share until the last one lets go', async () => {
    const shared = await upload();
    const user: MediaHolder = { type: 'user', id: userId };
    const goods: MediaHolder = { type: 'goods', id: randomUUID() };
    await replace(user, [shared.url]);
    await replace(goods, ['https://elsewhere.example.com/cover.jpg', shared.url, shared.url]);

    const releasedByUser = await replace(user, [null]);
    expect(releasedByUser).toEqual([shared.id]);
    expect(await service.free(releasedByUser)).toBe(0);
    expect(await ids()).toEqual([shared.id]);
    expect(await store.files()).toHaveLength(1);
    // Nothing left queued for that media while the goods holds it.
    expect(await t.dataSource.query(`SELECT * FROM media_releases`)).toEqual([]);

    const releasedByGoods = await replace(goods, []);
    expect(releasedByGoods).toEqual([shared.id]);
    expect(await service.free(releasedByGoods)).toBe(1);
    expect(await ids()).toEqual([]);
    expect(await store.files()).toEqual([]);
  });

  it('should recognise our media by key whatever the URL base (a CDN moved), and ignore foreign URLs', async () => {
    const media = await upload();
    const key = media.url.split('/').pop()!;
    const holder: MediaHolder = { type: 'goods', id: randomUUID() };
    await replace(holder, [`https://cdn.example.com/old-prefix/${key}`, 'https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132', 'not a url']);
    const [row] = await t.dataSource.query(`SELECT media_id, holder_type, holder_id FROM media_references`);
    expect(row).toEqual({ media_id: media.id, holder_type: 'goods', holder_id: holder.id });
    const [{ referenced }] = await t.dataSource.query(`SELECT referenced FROM media`);
    expect(referenced).toBe(true);
  });

  it('should let the sweep free what a release left behind (a crash before free())', async () => {
    const old = await upload();
    await replace({ type: 'user', id: userId }, [old.url]);
    await replace({ type: 'user', id: userId }, []);
    // free() never ran: the release is queued, and the sweep takes it, whatever the media's age.
    expect(await sweeper.sweep()).toEqual({ unused: 0, released: 1 });
    expect(await mediaRowCount(t)).toBe(0);
    expect(await store.files()).toEqual([]);
  });

  it('should erase an account’s avatar and unused uploads, and keep (unowned) its uploads others use', async () => {
    const staff = await signInAccount(t, 'staff');
    const avatar = await upload(16, staff.token);
    await upload(17, staff.token); // never used
    const goodsImage = await upload(18, staff.token, 'goods');
    const goods: MediaHolder = { type: 'goods', id: randomUUID() };
    await replace({ type: 'user', id: staff.id }, [avatar.url]);
    await replace(goods, [goodsImage.url]);

    // What DELETE /api/users/me does: release the account's references with its row, then erase its uploads.
    const released = await replace({ type: 'user', id: staff.id }, []);
    await service.free(released);
    await service.eraseUploadsOf(staff.id);

    expect(await ids()).toEqual([goodsImage.id]);
    expect(await store.files()).toEqual([goodsImage.url.split('/').pop()]);
    const [{ owner_id }] = await t.dataSource.query(`SELECT owner_id FROM media`);
    expect(owner_id).toBeNull();
  });

  it('should not delete a media whose reference is being added by a transaction in flight', async () => {
    const start = Date.now();
    vi.spyOn(clock, 'now').mockReturnValue(start);
    const media = await upload();
    vi.spyOn(clock, 'now').mockReturnValue(start + DAY_MS + 1000);

    // A holder's transaction has referenced the media but not committed yet.
    const holder = t.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await references.replace(holder.manager, { type: 'goods', id: randomUUID() }, [media.url]);
      // The sweep skips the locked row instead of deleting the file under it.
      expect(await sweeper.sweep()).toEqual({ unused: 0, released: 0 });
      await holder.commitTransaction();
    } finally {
      await holder.release();
    }
    expect(await ids()).toEqual([media.id]);
    expect(await store.files()).toHaveLength(1);
    expect(await sweeper.sweep()).toEqual({ unused: 0, released: 0 });
  });

  it('should not reference a media deleted while the holder waited for it (no foreign key error, no reference)', async () => {
    const media = await upload();
    const lock = await openLockHolder(t);
    try {
      // Another transaction is deleting the media (as free() does: lock, then delete).
      await lock.query('BEGIN');
      await lock.query(`SELECT id FROM media WHERE id = $1 FOR UPDATE`, [media.id]);
      const holder: MediaHolder = { type: 'goods', id: randomUUID() };
      const pending = replace(holder, [media.url]);
      await waitForLockWaiters(lock, 1);
      await lock.query(`DELETE FROM media WHERE id = $1`, [media.id]);
      await lock.query('COMMIT');
      await expect(pending).resolves.toEqual([]);
      expect(await t.dataSource.query(`SELECT * FROM media_references`)).toEqual([]);
    } finally {
      await lock.end();
    }
  });

  it('should refuse, in the database, to delete a media that is referenced', async () => {
    const media = await upload();
    await replace({ type: 'user', id: userId }, [media.url]);
    await expect(t.dataSource.query(`DELETE FROM media WHERE id = $1`, [media.id])).rejects.toMatchObject({ driverError: { code: '23503' } });
  });
});
