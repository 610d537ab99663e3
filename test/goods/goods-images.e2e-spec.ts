import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signInAccount, TestAccount } from '../support/factories';
import { png } from '../support/images';
import { download, mediaRowCount, startMediaStore, TestMediaStore, uploadMedia } from '../support/media';
import { startTestApp, TestApp } from '../support/test-app';

const keyOf = (url: string) => url.split('/').pop()!;

/**
 * Goods pictures: the cover (`imageUrl`) and the gallery (`images`) are references to media,
 * kept with the goods row; a picture no goods or user uses any more is deleted at once.
 */
describe('goods images and their media', () => {
  let store: TestMediaStore;
  let t: TestApp;
  let staff: TestAccount;

  beforeAll(async () => {
    store = await startMediaStore('local');
    t = await startTestApp({ env: { ...store.env, MEDIA_UPLOAD_RATE_LIMIT: '1000' } });
  });
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });
  beforeEach(async () => {
    await t.reset();
    await store.empty();
    staff = await signInAccount(t, 'staff');
  });

  /** Uploads `n` goods pictures (distinct sizes, so distinct images); their URLs. */
  async function pictures(n: number): Promise<string[]> {
    const urls: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await uploadMedia(t, staff.token, await png(20 + i, 20), 'goods');
      expect(res.status).toBe(201);
      urls.push(res.body.url);
    }
    return urls;
  }
  const holdersOf = async (url: string) =>
    (
      (await t.dataSource.query(
        `SELECT r.holder_type || ':' || r.holder_id AS holder FROM media_references r JOIN media m ON m.id = r.media_id WHERE m.storage_key = $1 ORDER BY 1`,
        [keyOf(url)],
      )) as { holder: string }[]
    ).map((r) => r.holder);
  const stored = async () => (await store.files()).sort();
  const patch = (id: string, body: unknown) => t.request('PATCH', `/api/goods/${id}`, { token: staff.token, body });

  it('should refer to the cover and the gallery from the goods, and free each picture the goods lets go', async () => {
    const [a, b, c, d] = await pictures(4);
    const created = await t.request('POST', '/api/goods', { token: staff.token, body: { name: '有图', price: 1, imageUrl: a, images: [b, c] } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const url of [a, b, c]) expect(await holdersOf(url)).toEqual([`goods:${id}`]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM media WHERE referenced`);
    expect(n).toBe(3);

    // A change that leaves the pictures alone keeps them.
    expect((await patch(id, { stock: 3 })).status).toBe(200);
    expect(await stored()).toEqual([a, b, c, d].map(keyOf).sort());

    // Out of the gallery: deleted at once, file and row.
    expect((await patch(id, { images: [c] })).body.images).toEqual([c]);
    expect(await stored()).toEqual([a, c, d].map(keyOf).sort());
    expect((await download(b)).status).toBe(404);

    // A new cover: the old one goes, the new one is held.
    expect((await patch(id, { imageUrl: d })).status).toBe(200);
    expect(await stored()).toEqual([c, d].map(keyOf).sort());
    expect(await holdersOf(d)).toEqual([`goods:${id}`]);

    // Deleting the goods frees the rest.
    expect((await t.request('DELETE', `/api/goods/${id}`, { token: staff.token })).status).toBe(204);
    expect(await stored()).toEqual([]);
    expect(await mediaRowCount(t)).toBe(0);
  });

  it('should keep a picture two goods share until the last one lets go', async () => {
    const [shared] = await pictures(1);
    const first = (await t.request('POST', '/api/goods', { token: staff.token, body: { name: '甲', price: 1, imageUrl: shared } })).body.id;
    const second = (await t.request('POST', '/api/goods', { token: staff.token, body: { name: '乙', price: 1, images: [shared] } })).body.id;
    expect(await holdersOf(shared)).toEqual([`goods:${first}`, `goods:${second}`].sort());
    expect((await t.request('DELETE', `/api/goods/${first}`, { token: staff.token })).status).toBe(204);
    expect(await stored()).toEqual([keyOf(shared)]);
    expect((await download(shared)).status).toBe(200);
    expect((await patch(second, { images: [] })).status).toBe(200);
    expect(await stored()).toEqual([]);
  });

  it('should free nothing when a PATCH is refused (409, 400)', async () => {
    const [a, b] = await pictures(2);
    const id = (await t.request('POST', '/api/goods', { token: staff.token, body: { name: '甲', price: 1, imageUrl: a } })).body.id;
    expect((await patch(id, { stock: 1 })).body.version).toBe(2);
    const stale = await patch(id, { imageUrl: b, version: 1 });
    expect(stale.status).toBe(409);
    const bad = await patch(id, { imageUrl: null, images: Array(10).fill(b) });
    expect(bad.status).toBe(400);
    expect(await holdersOf(a)).toEqual([`goods:${id}`]);
    expect(await stored()).toEqual([a, b].map(keyOf).sort());
  });

  it('should take a picture into use when an Idempotency-Key create is replayed, once', async () => {
    const [a] = await pictures(1);
    const body = { name: '甲', price: 1, images: [a] };
    const first = await t.request('POST', '/api/goods', { token: staff.token, body, headers: { 'idempotency-key': 'k-img' } });
    const again = await t.request('POST', '/api/goods', { token: staff.token, body, headers: { 'idempotency-key': 'k-img' } });
    expect(again.body).toEqual(first.body);
    expect(await holdersOf(a)).toEqual([`goods:${first.body.id}`]);
    // The gallery counts in the key's fingerprint: another gallery under the same key is refused.
    const other = await t.request('POST', '/api/goods', { token: staff.token, body: { ...body, images: [] }, headers: { 'idempotency-key': 'k-img' } });
    expect(other.status).toBe(422);
  });

  it('should document images on the goods (0–9 URLs) in the OpenAPI document', async () => {
    const doc = (await t.request('GET', '/docs-json')).body;
    const create = doc.components.schemas.CreateGoodsDto.properties.images;
    expect(create).toMatchObject({ type: 'array', maxItems: 9, items: { type: 'string', format: 'uri', maxLength: 500 } });
    expect(doc.components.schemas.UpdateGoodsDto.properties.images).toMatchObject({ type: 'array', maxItems: 9 });
    expect(doc.components.schemas.CreateGoodsDto.required).not.toContain('images');
    expect(doc.components.schemas.GoodsResponse.properties.images).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(doc.components.schemas.GoodsResponse.required).toContain('images');
  });
});
