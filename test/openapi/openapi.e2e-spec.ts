import { beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/bootstrap';
import { codesOf } from '../../src/openapi/api-errors.decorator';
import { useTestApp } from '../support/test-app';

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** `/api/users/:id` → `/api/users/{id}` */
function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

describe('OpenAPI document', () => {
  const t = useTestApp();
  let doc: any;
  beforeAll(async () => {
    const res = await t.request('GET', '/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  it('should document exactly the API routes the app registers', () => {
    const served = registeredRoutes(t.app)
      .filter((r) => HTTP_METHODS.has(r.method) && r.url.startsWith('/api/'))
      .map((r) => `${r.method} ${toOpenApiPath(r.url)}`);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => HTTP_METHODS.has(m.toUpperCase()))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    // The login product's routes at least, so the comparison cannot pass on two empty lists.
    expect(served).toEqual(expect.arrayContaining(['POST /api/auth/wechat/login', 'GET /api/users/me', 'GET /api/health']));
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
  });

  it('should serve Swagger UI at /docs with a CSP that lets it run', async () => {
    const res = await t.request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const init = await t.request('GET', '/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('/api/auth/wechat/login');
    const bundle = await fetch(`${t.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
  });

  it('should give request and response schemas from the DTOs', () => {
    const login = doc.paths['/api/auth/wechat/login'].post;
    expect(login.requestBody.content['application/json'].schema.$ref).toMatch(/WechatLoginDto$/);
    expect(login.responses['200'].content['application/json'].schema.$ref).toMatch(/TokenPairResponse$/);
    const tokenPair = doc.components.schemas.TokenPairResponse;
    expect(Object.keys(tokenPair.properties)).toEqual(
      expect.arrayContaining(['accessToken', 'refreshToken', 'tokenType', 'expiresIn', 'user', 'isNewUser']),
    );
    const me = doc.paths['/api/users/me'].get;
    expect(me.responses['200'].content['application/json'].schema.$ref).toMatch(/UserResponse$/);
  });

  it('should give every successful answer with a body a schema (a $ref or a type), not just an example', () => {
    const untyped: string[] = [];
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method.toUpperCase())) continue;
        for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
          if (!/^2\d\d$/.test(status) || status === '204') continue;
          checked++;
          const schema = response.content?.['application/json']?.schema;
          if (!schema?.$ref && !schema?.type) untyped.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(untyped).toEqual([]);
    const health = doc.paths['/api/health'].get.responses['200'].content['application/json'].schema;
    expect(health.$ref).toBe('#/components/schemas/HealthResponse');
    expect(doc.components.schemas.HealthResponse.properties.info.additionalProperties.properties.status.enum).toEqual(['up']);
  });

  it('should declare bearer (or JWT-prefixed) security on every protected operation and none on public ones', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const publicOps = ['post /api/auth/wechat/login', 'post /api/auth/refresh', 'get /api/health'];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        const key = `${method} ${path}`;
        if (publicOps.includes(key)) {
          expect(op.security, key).toEqual([]);
        } else if (path.startsWith('/api/users') || path.startsWith('/api/goods')) {
          expect(op.security, key).toEqual([{ bearer: [] }, { jwtPrefix: [] }]);
          expect(op.responses['401']?.description, key).toContain('TOKEN_INVALID');
        }
      }
    }
  });

  it('should document the error answers with their stable codes and the shared ErrorResponse schema', () => {
    const login = doc.paths['/api/auth/wechat/login'].post;
    expect(login.responses['400'].description).toContain('VALIDATION_FAILED');
    expect(login.responses['401'].description).toContain('WECHAT_CODE_INVALID');
    expect(login.responses['401'].description).toContain('WECHAT_CODE_USED');
    expect(login.responses['403'].description).toContain('USER_DISABLED');
    expect(login.responses['429'].description).toContain('WECHAT_RATE_LIMITED');
    expect(login.responses['429'].description).toContain('RATE_LIMITED');
    expect(login.responses['429'].headers['Retry-After']).toBeDefined();
    expect(login.responses['503'].description).toContain('WECHAT_UNAVAILABLE');
    expect(login.responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorResponse');
    expect(Object.keys(doc.components.schemas.ErrorResponse.properties)).toEqual(['statusCode', 'message', 'error', 'code']);
    for (const item of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(item)) expect(op.responses['500'].description).toContain('INTERNAL_ERROR');
    }
  });

  it('should document the codes the token and role guards actually answer', async () => {
    await t.reset();
    const user = await t.login('o_openapi_plain_user');
    const codes = (op: any, status: number) => codesOf(op.responses[String(status)]?.description);
    const staffOnly = doc.paths['/api/goods'].post;
    const forbidden = await t.request('POST', '/api/goods', { token: user.accessToken, body: { name: '奶', price: 1 } });
    expect(forbidden.status).toBe(403);
    expect(codes(staffOnly, 403)).toContain(forbidden.body.code);
    const anonymous = await t.request('POST', '/api/goods', { body: { name: '奶', price: 1 } });
    expect(anonymous.status).toBe(401);
    expect(codes(staffOnly, 401)).toContain(anonymous.body.code);
    const badToken = await t.request('GET', '/api/goods', { token: 'not-a-jwt' });
    expect(badToken.status).toBe(401);
    expect(codes(doc.paths['/api/goods'].get, 401)).toContain(badToken.body.code);
  });
});
