import { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AUTH_RATE_LIMIT_KEY } from '../rate-limit/auth-rate-limit.decorator';
import { IS_PUBLIC_KEY } from '../common/decorators/public.decorator';
import { ROLES_KEY } from '../common/decorators/roles.decorator';
import { codesOf, describeCodes } from './api-errors.decorator';
import { ErrorResponse } from './error-response';

/** Swagger UI at /docs, the OpenAPI document at /docs-json (outside the /api prefix). */
export const DOCS_PATH = 'docs';
const DOCS_JSON_PATH = 'docs-json';

const BEARER = 'bearer';
/** `Authorization: JWT <token>`, the prefix django-rest-framework-jwt clients send. */
const JWT_PREFIX = 'jwtPrefix';
const ERROR_SCHEMA = { $ref: `#/components/schemas/${ErrorResponse.name}` };

interface RouteFacts {
  isPublic: boolean;
  rateLimited: boolean;
  hasRoles: boolean;
}

/**
 * Builds the OpenAPI document from the controllers and DTOs, adds what every operation
 * shares (bearer security unless @Public(), and the error answers with their codes), and
 * serves it. Called by createApp before init, so the e2e app serves it too.
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('wxmall-api')
    .setDescription(
      'Backend of a WeChat mini program shop: `wx.login()` code login, JWT sessions, profiles and goods. ' +
        'Errors are `{statusCode, message, error, code}`; act on `code`, never on `message`.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: the paths carry the /api prefix, and the document is served by the API itself.
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken of a TokenPair: `Authorization: Bearer <token>`.' }, BEARER)
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description: 'The same accessToken as `Authorization: JWT <token>`, the header django-rest-framework-jwt clients send. Either scheme is accepted.',
      },
      JWT_PREFIX,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponse] });
  addSharedErrors(document, collectRouteFacts(app));
  closeRequestBodies(document);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'wxmall-api',
  });
  return document;
}

/** Facts about each handler by its default operationId (`Controller_method`), read from the decorators. */
function collectRouteFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller?.prototype) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const read = (key: string) => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
        facts.set(`${controller.name}_${name}`, {
          isPublic: read(IS_PUBLIC_KEY) === true,
          rateLimited: read(AUTH_RATE_LIMIT_KEY) === true,
          hasRoles: Array.isArray(read(ROLES_KEY)) && read(ROLES_KEY).length > 0,
        });
      }
    }
  }
  return facts;
}

type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { in?: string }[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses: Record<string, { description?: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

function addSharedErrors(document: OpenAPIObject, facts: Map<string, RouteFacts>): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of METHODS) {
      const op = (pathItem as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      // An operation we cannot place is documented as protected: the guard fails closed too.
      const fact = facts.get(op.operationId ?? '') ?? { isPublic: false, rateLimited: false, hasRoles: false };
      if (op.requestBody || (op.parameters?.length ?? 0) > 0) addError(op, 400, ['VALIDATION_FAILED']);
      if (op.requestBody) addError(op, 413, ['PAYLOAD_TOO_LARGE']);
      if (op.requestBody) addError(op, 415, ['UNSUPPORTED_MEDIA_TYPE']);
      // The router refuses a path parameter longer than Fastify's maxParamLength.
      if (op.parameters?.some((p) => p.in === 'path')) addError(op, 414, ['URI_TOO_LONG']);
      if (fact.isPublic) {
        op.security = [];
      } else {
        // Either scheme: one entry per alternative.
        op.security = [{ [BEARER]: [] }, { [JWT_PREFIX]: [] }];
        addError(op, 401, ['TOKEN_INVALID', 'TOKEN_EXPIRED']);
      }
      // What RolesGuard answers (test/openapi/openapi.e2e-spec.ts checks it against a real 403).
      if (fact.hasRoles) addError(op, 403, ['ROLE_FORBIDDEN']);
      if (fact.rateLimited) {
        addError(op, 429, ['RATE_LIMITED']);
        op.responses['429'].headers = {
          'Retry-After': { description: 'Seconds until another attempt is accepted', schema: { type: 'integer' } },
        };
      }
      addError(op, 500, ['INTERNAL_ERROR']);
    }
  }
}

/** Adds an error response, or merges the codes into the one the route documented itself. */
function addError(op: Operation, status: number, codes: string[]): void {
  const existing = op.responses[String(status)];
  if (!existing) {
    op.responses[String(status)] = { description: describeCodes(codes), content: { 'application/json': { schema: ERROR_SCHEMA } } };
    return;
  }
  const listed = codesOf(existing.description);
  existing.description =
    listed.length > 0 || !existing.description
      ? describeCodes(new Set([...listed, ...codes]))
      : `${existing.description}. ${describeCodes(codes)}`;
  existing.content ??= { 'application/json': { schema: ERROR_SCHEMA } };
}

type SchemaObject = {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: boolean | SchemaObject;
  items?: SchemaObject;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
};

const SCHEMA_REF = '#/components/schemas/';

/**
 * Marks every object schema a request body uses, directly or nested, `additionalProperties:
 * false`: the global ValidationPipe (and validateDto) forbid properties a DTO does not
 * declare, nested ones included, so a client generated from the document must not send them.
 */
function closeRequestBodies(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const seen = new Set<SchemaObject>();
  const close = (schema: SchemaObject | undefined): void => {
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    if (schema.$ref?.startsWith(SCHEMA_REF)) return close(schemas[schema.$ref.slice(SCHEMA_REF.length)]);
    // An object with declared properties is a DTO; a free-form map keeps its additionalProperties.
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
    for (const nested of [...Object.values(schema.properties ?? {}), schema.items, ...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
      close(nested);
    }
  };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of METHODS) {
      const op = (pathItem as Record<string, Operation | undefined>)[method];
      for (const media of Object.values(op?.requestBody?.content ?? {})) close(media.schema);
    }
  }
}
