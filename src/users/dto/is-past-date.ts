import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * Our users are in China: "today" is the date in Asia/Shanghai, which is UTC+8 all year
 * (China has no daylight saving time), so a fixed offset is exact.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Today's date in Asia/Shanghai, `YYYY-MM-DD`. */
export function todayInShanghai(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * A real calendar date written `YYYY-MM-DD`, from 1900 on, not after today in China
 * (Asia/Shanghai), so a baby born just after midnight in Beijing can have today as birthday
 * while it is still yesterday in UTC, and tomorrow is refused everywhere.
 */
export function isPastCalendarDate(value: unknown, now = new Date()): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  if (year < 1900) return false;
  return value <= todayInShanghai(now);
}

export function IsPastCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isPastCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a real date (YYYY-MM-DD) that is not in the future`, ...options },
      validator: { validate: (value: unknown) => isPastCalendarDate(value) },
    });
  };
}
