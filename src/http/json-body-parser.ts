import type { FastifyInstance } from 'fastify';
import { domainError } from '../common/errors';

/**
 * The deepest nesting of arrays and objects a JSON body may have. Our DTOs need 3; the
 * bound is far above that and far below where class-transformer and class-validator, which
 * recurse, run out of stack (2,000–6,000 levels, depending on the run).
 */
export const MAX_JSON_DEPTH = 64;

export class JsonTooDeepError extends domainError(400, 'VALIDATION_FAILED', `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`) {}

export class JsonLoneSurrogateError extends domainError(
  400,
  'VALIDATION_FAILED',
  'Request body holds a string that is not valid Unicode (an unpaired \\uD800-\\uDFFF escape)',
) {}

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_BRACE = 0x7b; // {
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACE = 0x7d; // }
const CLOSE_BRACKET = 0x5d; // ]

/**
 * Whether JSON text nests arrays and objects deeper than `max`, found by one pass over the
 * text (no recursion, no parse): brackets inside strings, escaped quotes included, do not
 * count. Text that is not valid JSON gets an answer too; JSON.parse refuses it afterwards.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const LOWER_U = 0x75; // u

/** The UTF-16 code unit of the four hex digits at `i`, or -1. */
function hexUnit(text: string, i: number): number {
  const hex = text.slice(i, i + 4);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? parseInt(hex, 16) : -1;
}

/**
 * Whether JSON text holds a `\uD800`–`\uDFFF` escape that is not half of a pair. Such a string
 * is not Unicode: it cannot be stored (PostgreSQL is UTF-8) and it throws inside some validators
 * (validator's isEmail calls encodeURI). Decoded bytes cannot produce one (invalid UTF-8 becomes
 * U+FFFD), so only escapes are looked at, in one pass, escaped backslashes skipped.
 */
export function jsonHasLoneSurrogate(text: string): boolean {
  let inString = false;
  let pendingHigh = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inString) {
      if (c === QUOTE) inString = true;
      continue;
    }
    if (c === BACKSLASH && text.charCodeAt(i + 1) === LOWER_U) {
      const unit = hexUnit(text, i + 2);
      i += 5;
      const high = unit >= 0xd800 && unit <= 0xdbff;
      const low = unit >= 0xdc00 && unit <= 0xdfff;
      if (pendingHigh && !low) return true;
      if (!pendingHigh && low) return true;
      pendingHigh = high;
      continue;
    }
    if (pendingHigh) return true;
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) inString = false;
  }
  return pendingHigh;
}

/**
 * Makes `application/json` the only body Fastify parses (Fastify's own text/plain parser and
 * Nest's form parser are not registered: see bootstrap.ts), with Fastify's own JSON parser
 * (which refuses `__proto__` and `constructor.prototype` keys) behind a depth check, so no
 * route's validation ever sees a body nested deeper than MAX_JSON_DEPTH.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    if (jsonNestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(new JsonTooDeepError(), undefined);
      return;
    }
    if (jsonHasLoneSurrogate(body as string)) {
      done(new JsonLoneSurrogateError(), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
