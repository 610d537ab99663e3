import { createConfig, lintFromString } from '@redocly/openapi-core';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate } from 'class-validator';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordLoginDto } from '../../src/auth/dto/password-login.dto';
import { RefreshTokenDto, VerifyTokenDto } from '../../src/auth/dto/token.dto';
import { WechatLoginDto, WechatUserInfoDto } from '../../src/auth/dto/wechat-login.dto';
import { CreateGoodsDto, UpdateGoodsDto } from '../../src/goods/dto/goods.dto';
import { ListGoodsQueryDto } from '../../src/goods/dto/list-goods.query';
import { PhoneNumberDto } from '../../src/users/dto/phone-number.dto';
import { UpdateProfileDto } from '../../src/users/dto/update-profile.dto';
import { CreateAccountDto, ListUsersQueryDto, UpdateAccountDto } from '../../src/users/dto/user-accounts.dto';
import { WechatProfileDto } from '../../src/users/dto/wechat-profile.dto';
import { signInAccount } from '../support/factories';
import { ROOT } from '../support/processes';
import { useTestApp } from '../support/test-app';

/**
 * The OpenAPI document as the tools our users generate clients with read it: Redocly's
 * linter, openapi-typescript + openapi-fetch under `tsc --strict`, and the class-validator
 * rules the server actually applies to each request DTO.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const SCHEMA_REF = '#/components/schemas/';

/** Every request body DTO, by the schema name the document gives it (a new one must be listed here). */
const BODY_DTOS: Function[] = [
  WechatLoginDto, WechatUserInfoDto, PasswordLoginDto, RefreshTokenDto, VerifyTokenDto,
  UpdateProfileDto, WechatProfileDto, PhoneNumberDto, CreateAccountDto, UpdateAccountDto,
  CreateGoodsDto, UpdateGoodsDto,
];
/** The query DTOs, by the operation that reads them. */
const QUERY_DTOS: [string, Function][] = [
  ['get /api/goods', ListGoodsQueryDto],
  ['get /api/users', ListUsersQueryDto],
];
/**
 * Properties the server requires in a way a JSON schema `required` cannot say: the phone
 * body is either `{code}` or `{encryptedData, iv}`, so none of the three is required alone.
 */
const EITHER_OR = new Set(['PhoneNumberDto.code']);

/**
 * Lint warnings we keep, each with its reason. Any other warning (or any error) fails.
 * - /api/health, /api/health/live and /api/health/ready have no 4XX answer: it takes no input and is public, so nothing a client
 *   sends can be refused (200 or 503).
 */
const JUSTIFIED_WARNINGS = [
  'operation-4xx-response #/paths/~1api~1health/get/responses',
  'operation-4xx-response #/paths/~1api~1health~1live/get/responses',
  'operation-4xx-response #/paths/~1api~1health~1ready/get/responses',
];

/** How the server reads a property, by the class-validator rule that checks it → the JSON schema type. */
const TYPE_OF_RULE: Record<string, string> = {
  isInt: 'integer',
  isBoolean: 'boolean',
  isMoney: 'number',
  isText: 'string',
  isString: 'string',
  isEmail: 'string',
  isUrl: 'string',
  matches: 'string',
  isPastCalendarDate: 'string',
  isObject: 'object',
  isArray: 'array',
};

type Schema = Record<string, any>;
type Operation = Record<string, any>;

function operations(doc: any): [string, string, Operation][] {
  return Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => [m, path, item[m]] as [string, string, Operation]),
  );
}

/** The component schemas request bodies use, nested ones included, by name. */
function requestSchemaNames(doc: any): Set<string> {
  const names = new Set<string>();
  const visit = (schema: Schema | undefined): void => {
    if (!schema) return;
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.slice(SCHEMA_REF.length);
      if (names.has(name)) return;
      names.add(name);
      return visit(doc.components.schemas[name]);
    }
    for (const nested of [...Object.values(schema.properties ?? {}), schema.items, ...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
      visit(nested as Schema | undefined);
    }
  };
  for (const [, , op] of operations(doc)) {
    for (const media of Object.values(op.requestBody?.content ?? {})) visit((media as Schema).schema);
  }
  return names;
}

/**
 * The class-validator rules of a DTO, by property: `{ nickname: [{ name: 'isText', constraints, each: false }] }`.
 * `each`: the rule checks every item of an array, not the property itself.
 */
function rulesOf(dto: Function): Map<string, { name: string; constraints: unknown[]; each: boolean }[]> {
  const rules = new Map<string, { name: string; constraints: unknown[]; each: boolean }[]>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const list = rules.get(meta.propertyName) ?? [];
    if (meta.name) list.push({ name: meta.name, constraints: meta.constraints ?? [], each: meta.each === true });
    rules.set(meta.propertyName, list);
  }
  return rules;
}

/** Whether the server's validation refuses `body` because of `property` (other properties may fail too). */
async function refuses(dto: Function, body: Record<string, unknown>, property: string): Promise<boolean> {
  const errors = await validate(plainToInstance(dto as new () => object, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.some((e) => e.property === property);
}

/** Runs a command with a deadline; resolves with its exit code and output. */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took more than ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

/**
 * What a mini program team writes against the generated types. It must compile under
 * `--strict` without a cast; the `@ts-expect-error` lines must not (so the types are not
 * `any`); the calls it makes must be accepted by the server.
 */
const CLIENT_SOURCE = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type Goods = components['schemas']['GoodsResponse'];

export function connect(baseUrl: string, authorization: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: authorization } });
}
type Client = ReturnType<typeof connect>;

export async function setProfile(client: Client) {
  const { data, response } = await client.PATCH('/api/users/me', {
    body: { nickname: '小明', birthday: '1990-05-17', gender: 'female', avatarUrl: 'https://img.example.com/a.png', email: 'xm@example.com' },
  });
  const nickname: string | null | undefined = data?.nickname;
  return { status: response.status, nickname };
}

export async function clearProfile(client: Client) {
  const { data, response } = await client.PATCH('/api/users/me', { body: { nickname: null, birthday: null, gender: null } });
  return { status: response.status, user: data };
}

export async function createGoods(client: Client) {
  const stock = 3;
  const { data, response } = await client.POST('/api/goods', {
    body: { name: '红富士苹果 5kg', price: 39.9, stock, category: '水果', description: null, images: ['https://img.example.com/a.jpg'] },
  });
  return { status: response.status, goods: data };
}

export async function createGoodsOnce(client: Client, key: string) {
  const { data, response } = await client.POST('/api/goods', {
    params: { header: { 'Idempotency-Key': key } },
    body: { name: '香蕉', price: 5 },
  });
  return { status: response.status, id: data?.id };
}

export async function listGoods(client: Client) {
  const { data, response } = await client.GET('/api/goods', { params: { query: { page: 1, pageSize: 10, ordering: '-createdAt' } } });
  const stocks: number[] = (data?.items ?? []).map((goods: Goods) => goods.stock);
  const page: number | null | undefined = data?.page;
  return { status: response.status, stocks, page, total: data?.total };
}

export async function restock(client: Client, id: string, version: number) {
  const { data, response } = await client.PATCH('/api/goods/{id}', { params: { path: { id } }, body: { stock: 5, version, imageUrl: null } });
  return { status: response.status, goods: data };
}

/** Never called: shapes the server refuses must not compile. */
export function refusedShapes(client: Client) {
  // @ts-expect-error gender is unknown, male or female
  void client.PATCH('/api/users/me', { body: { gender: 'other' } });
  // @ts-expect-error role is not a profile field (openapi-fetch infers its init, so the check is on the schema type)
  const withRole: components['schemas']['UpdateProfileDto'] = { role: 'admin' };
  void withRole;
  // @ts-expect-error stock is a number
  void client.POST('/api/goods', { body: { name: 'x', price: 1, stock: '3' } });
  // @ts-expect-error images is a list of URLs
  void client.POST('/api/goods', { body: { name: 'x', price: 1, images: 'https://img.example.com/a.jpg' } });
  // @ts-expect-error price is required
  void client.POST('/api/goods', { body: { name: 'x' } });
  // @ts-expect-error page is a number
  void client.GET('/api/goods', { params: { query: { page: 'one' } } });
}
`;

describe('OpenAPI document, read by client tools', () => {
  const t = useTestApp();
  let doc: any;
  beforeAll(async () => {
    const res = await t.request('GET', '/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  it('should pass Redocly lint (recommended rules) with no error and only the justified warnings', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const label = (p: (typeof problems)[number]) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`;
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${label(p)}: ${p.message}`)).toEqual([]);
    expect(problems.filter((p) => p.severity === 'warn').map(label).sort()).toEqual([...JUSTIFIED_WARNINGS].sort());
  });

  it('should give every operation a summary, a relative server and both forms of the Authorization header', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(operations(doc).filter(([, , op]) => !op.summary?.trim()).map(([m, p]) => `${m} ${p}`)).toEqual([]);
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      jwtPrefix: { type: 'apiKey', in: 'header', name: 'Authorization' },
    });
    const guarded = operations(doc).filter(([, , op]) => op.security.length > 0);
    expect(guarded.length).toBeGreaterThan(10);
    for (const [method, path, op] of guarded) expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }, { jwtPrefix: [] }]);
  });

  it('should list each header parameter once, and none the server does not require as required', () => {
    const problems: string[] = [];
    for (const [method, path, op] of operations(doc)) {
      const headers = (op.parameters ?? []).filter((p: any) => p.in === 'header');
      const names = headers.map((p: any) => p.name.toLowerCase());
      if (new Set(names).size !== names.length) problems.push(`${method} ${path}: ${names.join(', ')}`);
      for (const h of headers) if (h.required) problems.push(`${method} ${path}: required ${h.name}`);
    }
    expect(problems).toEqual([]);
    const create = doc.paths['/api/goods'].post.parameters;
    expect(create).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]);
    expect(doc.paths['/api/auth/wechat/login'].post.parameters ?? []).toEqual([]);
    expect(doc.paths['/api/auth/token'].post.parameters ?? []).toEqual([]);
  });

  it('should document 415 on every operation with a body, 414 where the path has a parameter, and 409 LAST_ADMIN on erasing oneself', () => {
    let bodies = 0;
    let withParams = 0;
    for (const [method, path, op] of operations(doc)) {
      if (op.requestBody) {
        bodies++;
        expect(op.responses['415']?.description ?? 'none', `${method} ${path}`).toContain('UNSUPPORTED_MEDIA_TYPE');
      } else {
        expect(op.responses['415'], `${method} ${path}`).toBeUndefined();
      }
      if (path.includes('{')) {
        withParams++;
        expect(op.responses['414']?.description ?? 'none', `${method} ${path}`).toContain('URI_TOO_LONG');
      }
    }
    expect(bodies).toBeGreaterThan(8);
    expect(withParams).toBe(4);
    expect(doc.paths['/api/users/me'].delete.responses['409'].description).toContain('LAST_ADMIN');
  });

  it('should describe every request body DTO exactly as its validation reads it', async () => {
    const names = requestSchemaNames(doc);
    expect([...names].sort()).toEqual(BODY_DTOS.map((dto) => dto.name).sort());
    const problems: string[] = [];
    for (const dto of BODY_DTOS) {
      const schema = doc.components.schemas[dto.name];
      // The global ValidationPipe and validateDto refuse properties a DTO does not declare.
      if (schema.additionalProperties !== false) problems.push(`${dto.name}: additionalProperties is not false`);
      const rules = rulesOf(dto);
      expect([...rules.keys()].sort(), dto.name).toEqual(Object.keys(schema.properties).sort());
      for (const [property, propertyRules] of rules) {
        const where = `${dto.name}.${property}`;
        const documented: Schema = schema.properties[property];
        const type = documented.type ?? (documented.$ref || documented.allOf ? 'object' : undefined);
        const expected = propertyRules.filter((r) => !r.each).map((r) => TYPE_OF_RULE[r.name]).find(Boolean);
        if (expected && type !== expected) problems.push(`${where}: documented ${type}, validated as ${expected}`);
        const expectedItems = propertyRules.filter((r) => r.each).map((r) => TYPE_OF_RULE[r.name]).find(Boolean);
        if (expectedItems && documented.items?.type !== expectedItems) problems.push(`${where}: items documented ${documented.items?.type}, validated as ${expectedItems}`);
        const isIn = propertyRules.find((r) => r.name === 'isIn');
        if (isIn) {
          const values = documented.enum?.filter((v: unknown) => v !== null);
          if (JSON.stringify(values) !== JSON.stringify(isIn.constraints[0])) problems.push(`${where}: enum ${JSON.stringify(documented.enum)} but the server takes ${JSON.stringify(isIn.constraints[0])}`);
        }
        if (type === 'object' && !documented.$ref && !documented.allOf && !documented.properties) problems.push(`${where}: an object without properties`);
        const acceptsNull = !(await refuses(dto, { [property]: null }, property));
        if (acceptsNull !== (documented.nullable === true)) problems.push(`${where}: ${acceptsNull ? 'accepts' : 'refuses'} null but nullable is ${documented.nullable}`);
        if (acceptsNull && Array.isArray(documented.enum) && !documented.enum.includes(null)) problems.push(`${where}: nullable enum without null`);
        const required = !EITHER_OR.has(where) && (await refuses(dto, {}, property));
        if (required !== (schema.required ?? []).includes(property)) problems.push(`${where}: ${required ? 'required' : 'optional'} but documented otherwise`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('should document integer query parameters as integers and every query parameter the server reads', () => {
    const problems: string[] = [];
    for (const [key, dto] of QUERY_DTOS) {
      const [method, path] = key.split(' ');
      const params = Object.fromEntries(doc.paths[path][method].parameters.filter((p: any) => p.in === 'query').map((p: any) => [p.name, p]));
      const rules = rulesOf(dto);
      expect(Object.keys(params).sort(), key).toEqual([...rules.keys()].sort());
      for (const [property, propertyRules] of rules) {
        if (propertyRules.some((r) => r.name === 'isInt') && params[property].schema.type !== 'integer') problems.push(`${key} ${property}: ${params[property].schema.type}`);
      }
    }
    expect(problems).toEqual([]);
    expect(doc.paths['/api/goods'].get.parameters.find((p: any) => p.name === 'page').schema.type).toBe('integer');
  });

  describe('a typed client (openapi-typescript + openapi-fetch)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'wxmall-openapi-client-'));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('should compile under tsc --strict without a cast and be accepted by the server', { timeout: 180_000 }, async () => {
      await writeFile(join(dir, 'api.ts'), astToString(await openapiTS(doc)));
      await writeFile(join(dir, 'client.ts'), CLIENT_SOURCE);
      await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            lib: ['es2022', 'dom'],
            types: [],
            skipLibCheck: true,
            noUnusedLocals: false,
          },
          files: ['client.ts', 'api.ts'],
        }),
      );
      // openapi-fetch from this project, as the team's own node_modules would provide it.
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir, 150_000);
      expect(tsc.output.trim()).toBe('');
      expect(tsc.code).toBe(0);

      // The same calls, run against the server.
      const js = ts.transpileModule(CLIENT_SOURCE, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      await mkdir(join(dir, 'run'));
      await writeFile(join(dir, 'run', 'client.mjs'), js);
      const client = await import(/* @vite-ignore */ pathToFileURL(join(dir, 'run', 'client.mjs')).href);

      const user = await t.login('o_openapi_typed_client');
      const jwtPrefixed = client.connect(t.url, `JWT ${user.accessToken}`);
      expect(await client.setProfile(jwtPrefixed)).toEqual({ status: 200, nickname: '小明' });
      const cleared = await client.clearProfile(jwtPrefixed);
      expect(cleared.status).toBe(200);
      expect(cleared.user).toMatchObject({ nickname: null, birthday: null, gender: 'unknown' });

      const staff = client.connect(t.url, `Bearer ${(await signInAccount(t, 'staff')).token}`);
      const created = await client.createGoods(staff);
      expect(created.status).toBe(201);
      expect(created.goods).toMatchObject({ stock: 3, category: '水果', description: null, imageUrl: null, images: ['https://img.example.com/a.jpg'], version: 1 });
      const first = await client.createGoodsOnce(staff, 'typed-client-1');
      expect(first.status).toBe(201);
      expect(await client.createGoodsOnce(staff, 'typed-client-1')).toEqual(first);
      expect(await client.listGoods(staff)).toEqual({ status: 200, stocks: [0, 3], page: 1, total: 2 });
      const restocked = await client.restock(staff, created.goods.id, 1);
      expect(restocked.status).toBe(200);
      expect(restocked.goods).toMatchObject({ stock: 5, version: 2 });
    });
  });
});
