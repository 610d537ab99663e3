/**
 * The bench's bare baseline: `node:http` + `pg`, no framework, doing the app's work for the
 * measured routes and nothing more, so `app / baseline` is what the framework and the app's
 * own overheads cost:
 * - every goods route verifies the HS256 access token (node:crypto, a KeyObject) and checks
 *   its session and user with the app's query (SessionsRepository.findPrincipal), cached for
 *   the app's 4 s (PrincipalCache), and checks the role for writes;
 * - goods reads run the app's own SQL (bench/app-sql.ts) under the app's planner settings,
 *   chosen the way GoodsService chooses them, with the same count cache; each plan's settings
 *   are given to its pool's connections at start, so a page is one round trip;
 * - PATCH does GoodsRepository.update's work: a transaction that locks the row, updates it and
 *   writes its audit row;
 * - WeChat login calls jscode2session over a keep-alive agent, seals the session_key like the
 *   app (AES-256-GCM), upserts the user and opens the session with its refresh token in one
 *   statement, and signs one token;
 * - answers carry the app's JSON (the bench compares them before measuring).
 *
 * Run as a child of bench/run.ts: it gets its settings in one IPC message and answers with
 * its port.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Agent, createServer, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { SecretBox } from '../src/common/crypto/secret-box';
import { requestIdOf } from '../src/logging/request-id';
import {
  buildCountQuery,
  buildListQuery,
  CappedCountCache,
  decodeCursor,
  encodeCursor,
  filterFingerprint,
  GOODS_BY_ID_SQL,
  GOODS_COLUMNS,
  GOODS_ORDERINGS,
  GoodsFilter,
  GoodsOrdering,
  MAX_OFFSET_ROWS,
  PageRequest,
  ReadPlan,
  planAfterCount,
  planList,
  startupOptions,
  SqlQuery,
  statement,
} from './app-sql';
import { AccessClaims, Hs256 } from './jwt';

export interface BaselineSettings {
  databaseUrl: string;
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  wechat: { appid: string; secret: string; apiBase: string; timeoutMs: number };
  /** 32 bytes, hex. */
  dataEncryptionKey: string;
  countCacheSeconds: number;
  /** Connections per pool (the app's pool has 10). */
  poolSize: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONEY = /^(0|[1-9]\d{0,7})(\.\d{1,2})?$/;
const BODY_LIMIT = 100 * 1024;
const PRINCIPAL_TTL_MS = 4000;
const PRINCIPAL_MAX = 50_000;
const DEFAULT_PAGE_SIZE = 20;
const LIST_PARAMS = new Set(['search', 'category', 'onSale', 'minPrice', 'maxPrice', 'ordering', 'page', 'pageSize', 'cursor']);
const PATCH_COLUMNS: Record<string, string> = {
  name: 'name',
  price: 'price',
  stock: 'stock',
  category: 'category',
  onSale: 'on_sale',
  description: 'description',
  imageUrl: 'image_url',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface Principal {
  userId: string;
  role: string;
  active: boolean;
  expiresAt: number;
}

interface GoodsRow {
  id: string;
  name: string;
  description: string | null;
  price: string;
  stock: number;
  category: string | null;
  on_sale: boolean;
  image_url: string | null;
  images: string[];
  created_by: string | null;
  updated_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  sort_key?: string;
}

/**
 * The work the baseline does per request, apart from how requests reach it: `BaselineServer`
 * serves it on bare `node:http`, and bench/nest-floor-server.ts on bare Nest (the
 * `--nest-floor` run), so the framework's own floor is measured on exactly this work.
 */
export class BaselineWork {
  private readonly jwt: Hs256;
  private readonly box: SecretBox;
  private readonly plain: Pool;
  /** One pool per planner settings: its connections start with them (`-c name=value`). */
  private readonly planned = new Map<string, Pool>();
  private readonly principals = new Map<string, Principal>();
  private readonly overCap: CappedCountCache;
  private readonly wechatAgent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly settings: BaselineSettings) {
    this.jwt = new Hs256(settings.jwtSecret);
    this.box = new SecretBox(Buffer.from(settings.dataEncryptionKey, 'hex'));
    this.plain = this.pool();
    this.overCap = new CappedCountCache(settings.countCacheSeconds * 1000);
  }

  async close(): Promise<void> {
    this.wechatAgent.destroy();
    await Promise.all([this.plain.end(), ...[...this.planned.values()].map((p) => p.end())]);
  }

  private pool(options?: string): Pool {
    const pool = new Pool({ connectionString: this.settings.databaseUrl, max: this.settings.poolSize, application_name: 'wxmall-bench-baseline', options });
    pool.on('error', () => undefined);
    return pool;
  }

  /** A pool whose connections start with the plan's settings (`-c a=b`), as the app's read pools do. */
  private poolFor(plan: ReadPlan): Pool {
    let pool = this.planned.get(plan);
    if (!pool) {
      pool = this.pool(startupOptions(plan));
      this.planned.set(plan, pool);
    }
    return pool;
  }

  private async read<T>(query: SqlQuery): Promise<T[]> {
    const { rows } = await this.poolFor(query.plan).query(statement(query.sql, query.params, query.prepare === true));
    return rows as T[];
  }

  /** A PATCH: staff or admin only. */
  async patchAs(principal: Principal, id: string, body: unknown, requestId: string): Promise<object> {
    if (principal.role !== 'staff' && principal.role !== 'admin') throw new HttpError(403, 'FORBIDDEN', 'staff or admin only');
    return this.patch(parseId(id), body, principal.userId, requestId);
  }

  /** The token's claims, then its session and user (SessionsRepository.findPrincipal's query), cached like PrincipalCache. */
  async authenticate(header: string | string[] | undefined): Promise<Principal> {
    const match = typeof header === 'string' ? /^(Bearer|JWT)\s+([A-Za-z0-9_\-.=+/]+)\s*$/i.exec(header) : null;
    const claims = match ? this.jwt.verify(match[2]) : null;
    if (!claims || typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !UUID.test(claims.sub) || !UUID.test(claims.sid)) {
      throw new HttpError(401, 'TOKEN_INVALID', 'Invalid or expired access token');
    }
    const now = Date.now();
    let principal = this.principals.get(claims.sid);
    if (principal && principal.expiresAt <= now) {
      this.principals.delete(claims.sid);
      principal = undefined;
    }
    if (!principal || principal.userId !== claims.sub) {
      const { rows } = await this.plain.query<{ role: string; disabled: boolean; revoked: boolean }>(
        `SELECT u.role, u.disabled, s.revoked_at IS NOT NULL AS revoked
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = $1 AND s.user_id = $2`,
        [claims.sid, claims.sub],
      );
      const found = rows[0];
      principal = { userId: claims.sub, role: found?.role ?? 'user', active: !!found && !found.revoked && !found.disabled, expiresAt: now + PRINCIPAL_TTL_MS };
      if (this.principals.size >= PRINCIPAL_MAX) this.principals.delete(this.principals.keys().next().value!);
      this.principals.set(claims.sid, principal);
    }
    if (!principal.active) throw new HttpError(401, 'TOKEN_INVALID', 'Invalid or expired access token');
    return principal;
  }

  async get(id: string): Promise<object> {
    id = parseId(id);
    const { rows } = await this.plain.query<GoodsRow>(statement(GOODS_BY_ID_SQL, [id], true));
    if (!rows.length) throw new HttpError(404, 'GOODS_NOT_FOUND', 'Goods not found');
    return goodsJson(rows[0]);
  }

  async list(params: URLSearchParams): Promise<object> {
    const one = (name: string): string | undefined => {
      const all = params.getAll(name);
      if (all.length > 1) throw bad(`${name} must be given once`);
      return all[0];
    };
    for (const key of params.keys()) if (!LIST_PARAMS.has(key)) throw bad(`property ${key} should not exist`);
    const text = (name: string, min: number, max: number) => {
      const v = one(name);
      if (v !== undefined && ([...v].length < min || [...v].length > max || /[\u0000-\u001f\u007f]/.test(v))) throw bad(`${name} must be ${min}-${max} characters`);
      return v;
    };
    const int = (name: string, min: number, max: number) => {
      const v = one(name);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) throw bad(`${name} must be an integer from ${min} to ${max}`);
      return n;
    };
    const money = (name: string) => {
      const v = one(name);
      if (v !== undefined && !MONEY.test(v)) throw bad(`${name} must be a price`);
      return v;
    };
    const search = text('search', 0, 100)?.trim();
    const onSaleText = one('onSale');
    if (onSaleText !== undefined && onSaleText !== 'true' && onSaleText !== 'false') throw bad('onSale must be true or false');
    const ordering = (one('ordering') ?? '-createdAt') as GoodsOrdering;
    if (!GOODS_ORDERINGS.includes(ordering)) throw bad('ordering must be one of the following values');
    const filter: GoodsFilter = {
      search: search ? search : undefined,
      category: text('category', 1, 50),
      onSale: onSaleText === undefined ? undefined : onSaleText === 'true',
      minPrice: money('minPrice'),
      maxPrice: money('maxPrice'),
    };
    if (filter.minPrice !== undefined && filter.maxPrice !== undefined && Number(filter.minPrice) > Number(filter.maxPrice)) {
      throw bad('minPrice must not be greater than maxPrice');
    }
    const pageSize = int('pageSize', 1, 100) ?? DEFAULT_PAGE_SIZE;
    const pageParam = int('page', 1, 10_000);
    const cursor = text('cursor', 0, 1024);
    if (cursor !== undefined && pageParam !== undefined) throw new HttpError(400, 'CURSOR_WITH_PAGE', 'cursor and page cannot be used together');

    let page: number | null = null;
    let request: PageRequest;
    if (cursor !== undefined) {
      const decoded = decodeCursor(cursor, ordering, filter);
      if (!decoded.ok) throw new HttpError(400, 'CURSOR_INVALID', 'invalid cursor');
      request = { after: decoded.keyset };
    } else {
      page = pageParam ?? 1;
      if (page * pageSize > MAX_OFFSET_ROWS) throw new HttpError(400, 'PAGE_TOO_DEEP', 'page too deep: follow nextCursor');
      request = { offset: (page - 1) * pageSize };
    }

    const countKey = filterFingerprint(filter);
    const knownOverCap = this.overCap.isOverCap(countKey);
    const decision = planList(filter, ordering, request, knownOverCap);
    const countQuery = buildCountQuery(filter, MAX_OFFSET_ROWS + 1);
    let rows: GoodsRow[];
    let count: number;
    if (decision.countFirst) {
      count = (await this.read<{ n: number }>(countQuery))[0].n;
      rows = await this.read<GoodsRow>(buildListQuery(filter, ordering, request, pageSize + 1, planAfterCount(count)));
    } else {
      [rows, count] = await Promise.all([
        this.read<GoodsRow>(buildListQuery(filter, ordering, request, pageSize + 1, decision.plan)),
        knownOverCap ? MAX_OFFSET_ROWS + 1 : this.read<{ n: number }>(countQuery).then((r) => r[0].n),
      ]);
    }
    if (count > MAX_OFFSET_ROWS) this.overCap.rememberOverCap(countKey);
    const items = rows.slice(0, pageSize);
    const last = items[items.length - 1];
    return {
      items: items.map(goodsJson),
      total: Math.min(count, MAX_OFFSET_ROWS),
      totalExact: count <= MAX_OFFSET_ROWS,
      page,
      pageSize,
      nextCursor: rows.length > pageSize ? encodeCursor(ordering, filter, { value: last.sort_key!, id: last.id }) : null,
    };
  }

  /**
   * GoodsRepository.update's work: in one transaction, the row locked and read (the version
   * checked against it), the UPDATE, and the audit row of the change (the audited fields that
   * changed, `[before, after]`), committed together; media references are touched only when
   * images change, which this bench never sends.
   */
  private async patch(id: string, body: unknown, userId: string, requestId: string): Promise<object> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('the body must be an object');
    const input = body as Record<string, unknown>;
    const params: unknown[] = [id, userId];
    const sets: string[] = [];
    for (const [field, value] of Object.entries(input)) {
      if (field === 'version') continue;
      const column = PATCH_COLUMNS[field];
      if (!column) throw bad(`property ${field} should not exist`);
      if (value === undefined) continue;
      params.push(validPatchValue(field, value));
      sets.push(`${column} = $${params.length}${field === 'price' ? '::numeric' : ''}`);
    }
    const version = input.version;
    if (version !== undefined && (!Number.isInteger(version) || (version as number) < 1)) throw bad('version must be a positive integer');
    const client = await this.plain.connect();
    try {
      await client.query('BEGIN');
      const current = await client.query<GoodsRow>(`SELECT ${GOODS_COLUMNS} FROM goods WHERE id = $1 FOR UPDATE`, [id]);
      const before = current.rows[0];
      if (!before) throw new HttpError(404, 'GOODS_NOT_FOUND', 'Goods not found');
      if (version !== undefined && version !== before.version) throw new HttpError(409, 'VERSION_CONFLICT', 'version conflict');
      if (sets.length === 0) {
        await client.query('COMMIT');
        return goodsJson(before);
      }
      sets.push('version = version + 1', 'updated_at = now()', 'updated_by = $2');
      const updated = await client.query<GoodsRow>(`UPDATE goods SET ${sets.join(', ')} WHERE id = $1 RETURNING ${GOODS_COLUMNS}`, params);
      const after = updated.rows[0];
      await client.query(
        `INSERT INTO audit_log (actor_id, action, target_type, target_id, changes, request_id) VALUES ($1, 'goods.update', 'goods', $2, $3::jsonb, $4)`,
        [userId, id, JSON.stringify(auditedChanges(before, after)), requestId],
      );
      await client.query('COMMIT');
      return goodsJson(after);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The least a WeChat login must do: one jscode2session call, one statement, one signature. */
  async login(body: unknown, userAgent: string | undefined): Promise<object> {
    if (typeof body !== 'object' || body === null) throw bad('the body must be an object');
    const { code, ...rest } = body as Record<string, unknown>;
    for (const key of Object.keys(rest)) if (key !== 'userInfo') throw bad(`property ${key} should not exist`);
    if (typeof code !== 'string' || code.length < 1 || code.length > 128) throw bad('code must be a string of 1 to 128 characters');

    const wechat = await this.jscode2session(code);
    const openid = wechat.openid;
    const refreshToken = randomBytes(32).toString('base64url');
    const { rows } = await this.plain.query(
      `WITH u AS (
         INSERT INTO users (openid, unionid, session_key_enc, gender) VALUES ($1, $2, $3, 'unknown')
         ON CONFLICT (openid) DO UPDATE
           SET session_key_enc = EXCLUDED.session_key_enc, unionid = COALESCE(EXCLUDED.unionid, users.unionid), updated_at = now()
         WHERE users.disabled = false
         RETURNING id, openid, unionid, role, disabled, username, name, nickname, avatar_url, email, phone, birthday::text AS birthday,
                   gender, address, signature, city, province, country, language, created_at, updated_at, (xmax = 0) AS inserted
       ), s AS (
         INSERT INTO sessions (user_id, user_agent) SELECT id, $4 FROM u RETURNING id
       ), t AS (
         INSERT INTO refresh_tokens (token_hash, session_id, expires_at) SELECT $5, id, $6 FROM s
       )
       SELECT u.*, s.id AS session_id FROM u CROSS JOIN s`,
      [
        openid,
        wechat.unionid,
        this.box.seal(wechat.sessionKey, openid),
        userAgent?.slice(0, 300) ?? null,
        createHash('sha256').update(refreshToken, 'utf8').digest(),
        new Date(Date.now() + this.settings.refreshTtlSeconds * 1000),
      ],
    );
    if (!rows.length) throw new HttpError(403, 'USER_DISABLED', 'This account is disabled');
    const u = rows[0];
    const iat = Math.floor(Date.now() / 1000);
    const claims: AccessClaims = { sub: u.id, sid: u.session_id, iat, exp: iat + this.settings.accessTtlSeconds };
    return {
      accessToken: this.jwt.sign(claims),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.settings.accessTtlSeconds,
      user: {
        id: u.id,
        openid: u.openid,
        unionid: u.unionid,
        role: u.role,
        disabled: u.disabled,
        username: u.username,
        name: u.name,
        nickname: u.nickname,
        avatarUrl: u.avatar_url,
        email: u.email,
        phone: u.phone,
        birthday: u.birthday,
        gender: u.gender,
        address: u.address,
        signature: u.signature,
        city: u.city,
        province: u.province,
        country: u.country,
        language: u.language,
        createdAt: u.created_at.toISOString(),
        updatedAt: u.updated_at.toISOString(),
      },
      isNewUser: u.inserted,
    };
  }

  private jscode2session(code: string): Promise<{ openid: string; sessionKey: string; unionid: string | null }> {
    const { appid, secret, apiBase, timeoutMs } = this.settings.wechat;
    const query = new URLSearchParams({ appid, secret, js_code: code, grant_type: 'authorization_code' });
    return new Promise((resolve, reject) => {
      const call = httpRequest(`${apiBase}/sns/jscode2session?${query}`, { agent: this.wechatAgent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            // WeChat answers 200 with text/plain JSON, errors included.
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (res.statusCode !== 200) return reject(new HttpError(503, 'WECHAT_UNAVAILABLE', 'WeChat is unavailable'));
            if (body.errcode === 40029) return reject(new HttpError(401, 'WECHAT_CODE_INVALID', 'invalid code'));
            if (body.errcode === 40163) return reject(new HttpError(401, 'WECHAT_CODE_USED', 'code already used'));
            if (body.errcode === 45011) return reject(new HttpError(429, 'WECHAT_RATE_LIMITED', 'rate limited'));
            if (body.errcode === 40226) return reject(new HttpError(403, 'WECHAT_USER_BLOCKED', 'user blocked'));
            if (body.errcode || typeof body.openid !== 'string' || typeof body.session_key !== 'string') {
              return reject(new HttpError(503, 'WECHAT_UNAVAILABLE', 'WeChat is unavailable'));
            }
            resolve({ openid: body.openid, sessionKey: body.session_key, unionid: typeof body.unionid === 'string' && body.unionid ? body.unionid : null });
          } catch {
            reject(new HttpError(503, 'WECHAT_UNAVAILABLE', 'WeChat is unavailable'));
          }
        });
      });
      call.on('timeout', () => call.destroy(new HttpError(503, 'WECHAT_UNAVAILABLE', 'WeChat timed out')));
      call.on('error', (err) => reject(err instanceof HttpError ? err : new HttpError(503, 'WECHAT_UNAVAILABLE', 'WeChat is unavailable')));
      call.end();
    });
  }
}

/** The baseline: the work above on bare `node:http`, routed by hand. */
export class BaselineServer {
  private readonly work: BaselineWork;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(settings: BaselineSettings) {
    this.work = new BaselineWork(settings);
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.work.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const work = this.work;
    try {
      const { path, search } = splitUrl(req.url ?? '/');
      if (path === '/api/health' && req.method === 'GET') return send(res, 200, { status: 'ok' });
      if (path === '/api/auth/wechat/login' && req.method === 'POST') return send(res, 200, await work.login(await readJson(req), req.headers['user-agent']));
      if (path === '/api/goods' && req.method === 'GET') {
        await work.authenticate(req.headers.authorization);
        return send(res, 200, await work.list(new URLSearchParams(search)));
      }
      if (path.startsWith('/api/goods/') && path.indexOf('/', 11) < 0) {
        const id = path.slice(11);
        if (req.method === 'GET') {
          await work.authenticate(req.headers.authorization);
          return send(res, 200, await work.get(id));
        }
        if (req.method === 'PATCH') {
          const principal = await work.authenticate(req.headers.authorization);
          return send(res, 200, await work.patchAs(principal, id, await readJson(req), requestIdOf(req)));
        }
      }
      throw new HttpError(404, 'NOT_FOUND', `Cannot ${req.method} ${path}`);
    } catch (err) {
      const { status, body } = errorAnswer(err);
      return send(res, status, body);
    }
  }
}

/** A request target's path and its query string (without the `?`), as both servers of the baseline's work read them. */
export function splitUrl(url: string): { path: string; search: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

/** The status and JSON of a failed request, as the app's exception filter writes them. */
export function errorAnswer(err: unknown): { status: number; body: object } {
  if (err instanceof HttpError) {
    return { status: err.status, body: { statusCode: err.status, message: err.message, error: ERROR_NAMES[err.status] ?? 'Error', code: err.code } };
  }
  process.stderr.write(`baseline: ${(err as Error).stack ?? err}\n`);
  return { status: 500, body: { statusCode: 500, message: 'Internal server error', error: 'Internal Server Error', code: 'INTERNAL' } };
}

function goodsJson(row: GoodsRow): object {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    price: Number(row.price),
    stock: row.stock,
    category: row.category,
    onSale: row.on_sale,
    imageUrl: row.image_url,
    images: row.images,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    version: row.version,
  };
}

/** The audit row's `changes`: each audited field whose value changed, as `[before, after]` (the app's changesBetween). */
function auditedChanges(before: GoodsRow, after: GoodsRow): Record<string, [unknown, unknown]> {
  const pick = (row: GoodsRow) => ({
    name: row.name,
    price: Number(row.price),
    stock: row.stock,
    category: row.category,
    onSale: row.on_sale,
    description: row.description,
    imageUrl: row.image_url,
    images: row.images,
  });
  const was = pick(before);
  const now = pick(after);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of Object.keys(was) as (keyof typeof was)[]) {
    if (JSON.stringify(was[field]) !== JSON.stringify(now[field])) changes[field] = [was[field], now[field]];
  }
  return changes;
}

function validPatchValue(field: string, value: unknown): unknown {
  const fail = () => bad(`${field} is invalid`);
  switch (field) {
    case 'name':
      if (typeof value !== 'string' || value.length < 1 || value.length > 120) throw fail();
      return value;
    case 'price':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || !MONEY.test(String(value))) throw fail();
      return String(value);
    case 'stock':
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 2_147_483_647) throw fail();
      return value;
    case 'onSale':
      if (typeof value !== 'boolean') throw fail();
      return value;
    case 'category':
      if (value !== null && (typeof value !== 'string' || value.length < 1 || value.length > 50)) throw fail();
      return value;
    case 'description':
      if (value !== null && (typeof value !== 'string' || value.length > 5000)) throw fail();
      return value;
    case 'imageUrl':
      if (value !== null && (typeof value !== 'string' || value.length > 500 || !/^https?:\/\/\S+$/.test(value))) throw fail();
      return value;
    default:
      throw fail();
  }
}

function parseId(id: string): string {
  if (!UUID.test(id)) throw new HttpError(400, 'VALIDATION_FAILED', 'Validation failed (uuid is expected)');
  return id;
}

const bad = (message: string) => new HttpError(400, 'VALIDATION_FAILED', message);

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'INVALID_JSON', 'Malformed JSON'));
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// As a child process of bench/run.ts: settings in, port out; SIGTERM closes it.
if (require.main === module && process.send) {
  process.once('message', (settings: BaselineSettings) => {
    const server = new BaselineServer(settings);
    server.listen().then(
      (port) => process.send!({ port }),
      (err: Error) => {
        process.stderr.write(`baseline failed to start: ${err.message}\n`);
        process.exit(1);
      },
    );
    process.once('SIGTERM', () => {
      server.close().finally(() => process.exit(0));
    });
  });
}
