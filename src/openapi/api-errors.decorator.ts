import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './error-response';

const CODES_PREFIX = 'Error codes: ';

/** The description of an error response listing its codes, e.g. "Error codes: `WECHAT_CODE_INVALID`, `WECHAT_CODE_USED`". */
export function describeCodes(codes: Iterable<string>): string {
  return CODES_PREFIX + [...codes].map((c) => `\`${c}\``).join(', ');
}

/** The codes a description made by describeCodes lists. */
export function codesOf(description: string | undefined): string[] {
  if (!description?.startsWith(CODES_PREFIX)) return [];
  return [...description.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]);
}

/**
 * Documents the error answers of an operation with their stable codes, e.g.
 * `@ApiErrors({ 401: ['WECHAT_CODE_INVALID', 'WECHAT_CODE_USED'], 503: ['WECHAT_UNAVAILABLE'] })`.
 * The OpenAPI setup (src/openapi) adds the errors operations share — 400
 * `VALIDATION_FAILED`, 401 for the bearer token, 403 for roles, 429 for rate limits, 500 —
 * and merges codes given here for the same status.
 */
export function ApiErrors(errors: Record<number, string[]>) {
  return applyDecorators(
    ...Object.entries(errors).map(([status, codes]) =>
      ApiResponse({ status: Number(status), type: ErrorResponse, description: describeCodes(codes) }),
    ),
  );
}
