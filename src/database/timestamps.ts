import { types } from 'pg';
import type { CustomTypesConfig } from 'pg';

/** `timestamptz`'s type OID. */
const TIMESTAMPTZ_OID = 1184;
/** node-postgres's own parser (postgres-date), for the shapes parseTimestamptz leaves to it. */
const fallback = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date;

const digit = (text: string, at: number): number => {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
const two = (text: string, at: number): number => 10 * digit(text, at) + digit(text, at + 1);

/**
 * A `timestamptz` as PostgreSQL prints it with the default DateStyle (ISO), e.g.
 * `2026-12-03 07:45:22.123456+00` or `…+05:30`, read into the same `Date` as node-postgres's
 * own parser (postgres-date) makes: milliseconds truncated, the offset applied.
 *
 * Without its regular expressions: a page of goods has two timestamps per row, and
 * postgres-date's match arrays were a tenth of the bytes a list request allocated
 * (docs/performance.md). Anything but the common shape (a year before 1000 or after 9999,
 * ` BC`, `infinity`, seconds in the offset) goes to postgres-date.
 */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  if (n >= 22 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(10) === 32 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58) {
    const year = 100 * two(text, 0) + two(text, 2);
    const month = two(text, 5);
    const day = two(text, 8);
    const hour = two(text, 11);
    const minute = two(text, 14);
    const second = two(text, 17);
    let at = 19;
    let ms = 0;
    if (text.charCodeAt(at) === 46) {
      // The fraction's first three digits are the milliseconds; the rest is truncated.
      let scale = 100;
      for (at++; at < n && !Number.isNaN(digit(text, at)); at++) {
        ms += digit(text, at) * scale;
        scale = scale > 1 ? scale / 10 : 0;
      }
    }
    const sign = text.charCodeAt(at);
    if ((sign === 43 || sign === 45) && year >= 1000) {
      let offsetMinutes = 60 * two(text, at + 1);
      at += 3;
      if (at < n && text.charCodeAt(at) === 58) {
        offsetMinutes += two(text, at + 1);
        at += 3;
      }
      if (at === n) {
        const time = Date.UTC(year, month - 1, day, hour, minute, second, ms) - (sign === 43 ? 1 : -1) * offsetMinutes * 60_000;
        if (!Number.isNaN(time)) return new Date(time);
      }
    }
  }
  return fallback(text);
}

/**
 * node-postgres's type parsers with `parseTimestamptz` for `timestamptz`: given to every pool
 * the app opens (TypeORM's and the read pools), so the process's global `pg.types` stay as they are.
 */
export const PG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? parseTimestamptz : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
