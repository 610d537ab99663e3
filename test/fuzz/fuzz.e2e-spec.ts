import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertAccount, insertGoods, signInAccount } from '../support/factories';
import { bodyEncoding, bodyRoutes, BodyRoute, bodyValue, documentedCodes, isJsonContentType, OpenApiDocument } from '../support/openapi-fuzz';
import { TestApp, useTestApp } from '../support/test-app';

/**
 * Runs of the whole fuzz (spread over the body routes). A few hundred keep `npm test` fast;
 * `FUZZ_RUNS=5000 npx vitest run test/fuzz` for a longer hunt, `FUZZ_SEED=<n>` to replay one.
 */
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** Error codes are SCREAMING_SNAKE_CASE words, and a client acts on them. */
const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * A cheap fingerprint of every table (an md5 of its rows in text order; the schema tables
 * excluded): equal before and after a request means the request changed nothing.
 */
async function fingerprinter(t: TestApp): Promise<() => Promise<Record<string, string>>> {
  const tables: { tablename: string }[] = await t.dataSource.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'typeorm_metadata') ORDER BY tablename`,
  );
  const sql = `SELECT ${tables
    .map((x) => `(SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM "${x.tablename}" r) AS "${x.tablename}"`)
    .join(', ')}`;
  return async () => (await t.dataSource.query(sql))[0] as Record<string, string>;
}

/** Path parameters (as they appear in the URL, percent-encoded): the real row the route is about, another id, or something that is no id at all. */
const pathParameter = (real: string) =>
  fc.oneof(
    { arbitrary: fc.constant(real), weight: 6 },
    { arbitrary: fc.uuid(), weight: 1 },
    {
      arbitrary: fc.constantFrom('not-a-uuid', '0', '-1', 'a'.repeat(150), '%00', '%E2%80%AE', '..%2F..%2Fetc', `${real}%00`, `${real}x`, real.toUpperCase(), '%20'),
      weight: 2,
    },
  );

describe('fuzz: every body route, from the OpenAPI document', () => {
  const t = useTestApp();

  it(
    'should never answer 5xx, answer every 4xx in the error shape with a documented code, and change nothing when it refuses',
    async () => {
      const doc = (await t.request<OpenApiDocument>('GET', '/docs-json')).body;
      const routes = bodyRoutes(doc);
      expect(routes.length).toBeGreaterThanOrEqual(10);

      // Someone for every kind of route: an admin (staff routes), a mini program user with a
      // session_key (WeChat data routes), a staff account and goods to point :id at.
      const admin = await signInAccount(t, 'admin');
      const user = await t.login('o_fuzz', { userInfo: { nickName: 'fuzz' } });
      const staff = await insertAccount(t, { role: 'staff' });
      const [goodsId] = await insertGoods(t, [{ name: 'fuzz', price: '1.00', stock: 1 }]);
      // WeChat's app access token is fetched (and stored) on the first phone lookup: fetch it now, so a refused lookup stores nothing.
      const phoneCode = t.fake.issuePhoneCode({ phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' });
      expect((await t.request('POST', '/api/users/me/phone', { token: user.accessToken, body: { code: phoneCode } })).status).toBe(200);

      const fingerprint = await fingerprinter(t);
      const tokens: Record<string, string | undefined> = { admin: admin.token, user: user.accessToken, none: undefined, garbage: 'not.a.jwt' };
      const idFor = (route: BodyRoute) => (route.path.startsWith('/api/goods/') ? goodsId : staff.id);
      const runsPerRoute = Math.max(1, Math.ceil(TOTAL_RUNS / routes.length));

      for (const route of routes) {
        const cases = fc.record({
          body: bodyValue(doc, route.schema),
          encoding: bodyEncoding,
          token: fc.constantFrom('admin', 'admin', 'admin', 'user', 'none', 'garbage'),
          id: pathParameter(idFor(route)),
          idempotencyKey: fc.option(fc.constantFrom('k-1', 'x'.repeat(300), ' ', '%E2%80%AE', 'ü'), { freq: 4 }),
        });
        await fc.assert(
          fc.asyncProperty(cases, async (c) => {
            const path = route.path.replace('{id}', c.id);
            const headers: Record<string, string> = {};
            if (c.encoding.contentType) headers['content-type'] = c.encoding.contentType;
            const token = tokens[c.token];
            if (route.needsToken && token) headers.authorization = `Bearer ${token}`;
            if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
            const text = c.encoding.raw ?? JSON.stringify(c.body) ?? '';

            const before = await fingerprint();
            // Bytes, so fetch adds no content type of its own.
            const res = await fetch(t.url + path, { method: route.method, headers, body: Buffer.from(text, 'utf8') });
            const answer = await res.text();
            const where = `${route.method} ${path} (${c.encoding.contentType ?? 'no content type'}) → ${res.status} ${answer.slice(0, 300)}`;

            expect(res.status, where).toBeLessThan(500);
            // One rule for bodies that are not JSON, whatever the route and the token (only the
            // router's 414 for an over-long id comes first).
            if (!isJsonContentType(c.encoding.contentType)) expect(res.status === 415 || (res.status === 414 && c.id.length > 100), where).toBe(true);
            if (res.status < 400) return;
            const error = JSON.parse(answer) as { statusCode: unknown; message: unknown; error: unknown; code: unknown };
            expect(error, where).toEqual({ statusCode: res.status, message: expect.anything(), error: expect.any(String), code: expect.stringMatching(CODE) });
            expect(typeof error.message === 'string' || (Array.isArray(error.message) && error.message.every((m) => typeof m === 'string')), where).toBe(true);
            expect(documentedCodes(route.operation, res.status), `${where}: code not documented for this status`).toContain(error.code);
            expect(await fingerprint(), `${where}: a refused request changed the database`).toEqual(before);
          }),
          { numRuns: runsPerRoute, seed: SEED, endOnFailure: true },
        );
      }
    },
    Math.max(120_000, TOTAL_RUNS * 400),
  );
});
