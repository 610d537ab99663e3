import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzz test reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description?: string }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** A route that takes a JSON body, as the document describes it. */
export interface BodyRoute {
  method: string;
  /** `/api/goods/{id}` */
  path: string;
  operation: Operation;
  schema: Schema;
  needsToken: boolean;
}

export function bodyRoutes(doc: OpenApiDocument): BodyRoute[] {
  const routes: BodyRoute[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const schema = operation.requestBody?.content['application/json']?.schema;
      if (!schema) continue;
      routes.push({ method: method.toUpperCase(), path, operation, schema, needsToken: (operation.security?.length ?? 0) > 0 });
    }
  }
  return routes;
}

/** The stable codes the document lists for a status of an operation ("Error codes: `A`, `B`"). */
export function documentedCodes(operation: Operation, status: number): string[] {
  const description = operation.responses[String(status)]?.description ?? '';
  return [...description.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]);
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  while (s.$ref) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')];
  if (s.allOf) return Object.assign({}, ...s.allOf.map((part) => resolve(doc, part)));
  return s;
}

const isoDate = fc.date({ min: new Date('1950-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** Values the schema allows (so the fuzz gets past the first field into the rest of validation). */
export function validValue(doc: OpenApiDocument, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const alternatives = s.oneOf ?? s.anyOf;
  let arb: fc.Arbitrary<unknown>;
  if (alternatives) {
    arb = fc.oneof(...alternatives.map((alt) => validValue(doc, alt, depth + 1)));
  } else if (s.enum) {
    arb = fc.constantFrom(...s.enum);
  } else if (s.type === 'string') {
    const minLength = s.minLength ?? 0;
    const maxLength = Math.min(s.maxLength ?? 40, minLength + 60);
    if (s.format === 'uri') arb = fc.webUrl().filter((u) => u.length >= minLength && u.length <= (s.maxLength ?? 500));
    else if (s.format === 'email') arb = fc.emailAddress().filter((e) => e.length <= (s.maxLength ?? 254));
    else if (s.format === 'date') arb = isoDate;
    else if (s.pattern) arb = fc.stringMatching(new RegExp(s.pattern));
    else arb = fc.string({ minLength, maxLength, unit: 'grapheme' });
  } else if (s.type === 'integer') {
    arb = fc.integer({ min: Math.ceil(s.minimum ?? -1000), max: Math.floor(Math.min(s.maximum ?? 1000, Number.MAX_SAFE_INTEGER)) });
  } else if (s.type === 'number') {
    arb = fc.integer({ min: Math.ceil((s.minimum ?? -1000) * 100), max: Math.floor((s.maximum ?? 1000) * 100) }).map((cents) => cents / 100);
  } else if (s.type === 'boolean') {
    arb = fc.boolean();
  } else if (s.type === 'array') {
    arb = depth > 4 ? fc.constant([]) : fc.array(validValue(doc, s.items ?? {}, depth + 1), { maxLength: 3 });
  } else if (s.properties) {
    const keys = Object.keys(s.properties);
    arb =
      depth > 4
        ? fc.constant({})
        : fc.record(Object.fromEntries(keys.map((k) => [k, validValue(doc, s.properties![k], depth + 1)])), { requiredKeys: (s.required ?? []).filter((k) => keys.includes(k)) });
  } else {
    arb = fc.jsonValue({ maxDepth: 2 });
  }
  return s.nullable ? fc.option(arb, { nil: null, freq: 5 }) : arb;
}

/** Unicode that breaks naive code: lone surrogates, NUL, bidi overrides, zero-width and combining marks, emoji sequences, noncharacters. */
export const UNICODE_EDGES = [
  '\uD800',
  '\uDFFF',
  'a\uD83D',
  '\uDE00b',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u200F\u061C',
  '\u200B\u200D',
  '\uFEFF',
  '👍🏽',
  '👨‍👩‍👧‍👦',
  '🇨🇳',
  'e\u0301\u0301\u0301',
  '\uFFFF\uFFFE',
  '𝕏𝔂',
  '\r\n\t\u000B\u000C',
  '\u0085\u2028\u2029',
  '\\u0000',
  '%00%ff',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '${jndi:ldap://x}',
];

const deepArray = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
const deepObject = (depth: number) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown;

/** Values of the wrong type, out of range, huge, nested, or unicode edge cases. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0, 0.1, 1.005, 1e21, -1e308, 1e308, 2 ** 31, 2 ** 53 + 2, '', ' ', '0', '-1', '1e3', 'null', 'true', 'NaN', 'Infinity', '[]', '{}', [], {}, [null], ['a'], { a: 1 }),
  fc.constantFrom(...UNICODE_EDGES),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...UNICODE_EDGES), maxLength: 8 }),
  fc.integer({ min: 1, max: 30_000 }).chain((n) => fc.constantFrom('x'.repeat(n), '字'.repeat(n), '👍'.repeat(Math.floor(n / 2)), '\u0000'.repeat(Math.min(n, 1000)))),
  fc.integer({ min: 1, max: 90 }).chain((depth) => fc.constantFrom(deepArray(depth), deepObject(depth))),
  fc.jsonValue({ maxDepth: 3 }),
  fc.double(),
);

const keyName = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'id', 'role', 'version', 'createdBy', 'userId', 'openid', ...UNICODE_EDGES));

/** A JSON body for a route: valid, or valid with one thing broken, or not an object at all. */
export function bodyValue(doc: OpenApiDocument, schema: Schema): fc.Arbitrary<unknown> {
  const valid = validValue(doc, schema) as fc.Arbitrary<Record<string, unknown>>;
  const properties = Object.keys(resolve(doc, schema).properties ?? {});
  const someProperty = properties.length ? fc.constantFrom(...properties) : keyName;
  return fc.oneof(
    { arbitrary: valid, weight: 2 },
    // A field missing.
    { arbitrary: fc.tuple(valid, someProperty).map(([v, k]) => Object.fromEntries(Object.entries(v).filter(([key]) => key !== k))), weight: 2 },
    // A field of the wrong type, out of range, huge or nested.
    { arbitrary: fc.tuple(valid, someProperty, hostileValue).map(([v, k, h]) => ({ ...v, [k]: h })), weight: 5 },
    // An extra field, whatever its name.
    { arbitrary: fc.tuple(valid, keyName, hostileValue).map(([v, k, h]) => Object.assign(JSON.parse(JSON.stringify(v)), { [k]: h })), weight: 3 },
    // Not an object.
    { arbitrary: hostileValue, weight: 2 },
  );
}

/** Whether a content type is JSON's, the only one a body route accepts (anything else: 415). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** How the body travels: its text (sometimes not JSON at all) and its content type (sometimes not JSON, or none). */
export const bodyEncoding = fc.oneof(
  { arbitrary: fc.constant({ contentType: 'application/json', raw: undefined as string | undefined }), weight: 12 },
  {
    arbitrary: fc.constantFrom<{ contentType: string | undefined; raw: string | undefined }>(
      { contentType: 'application/json; charset=utf-8', raw: undefined },
      { contentType: 'APPLICATION/JSON', raw: undefined },
      { contentType: 'application/json; charset=iso-8859-1', raw: undefined },
      { contentType: 'text/plain', raw: undefined },
      { contentType: 'application/x-www-form-urlencoded', raw: 'code=abc&name=x' },
      { contentType: 'multipart/form-data; boundary=x', raw: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n' },
      { contentType: 'application/xml', raw: '<a>b</a>' },
      { contentType: 'application/vnd.api+json', raw: undefined },
      { contentType: undefined, raw: undefined },
      { contentType: 'application/json', raw: '{"__proto__":{"role":"admin"},"a":1}' },
      { contentType: 'application/json', raw: '{"constructor":{"prototype":{"role":"admin"}}}' },
      { contentType: 'application/json', raw: '{"a":' },
      { contentType: 'application/json', raw: '' },
      { contentType: 'application/json', raw: '\u0000' },
      { contentType: 'application/json', raw: '{"a":1}{"b":2}' },
      { contentType: 'application/json', raw: '['.repeat(50_000) },
      { contentType: 'application/json', raw: '['.repeat(10_000) + ']'.repeat(10_000) },
      { contentType: 'application/json', raw: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) },
    ),
    weight: 4,
  },
);
