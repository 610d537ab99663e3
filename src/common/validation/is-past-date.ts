import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * A real calendar date written `YYYY-MM-DD`, from 1900 on, not after today anywhere on
 * earth (UTC+14), so no time zone turns a valid birthday into a "future" one.
 */
export function isPastCalendarDate(value: unknown, now = new Date()): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  if (year < 1900) return false;
  const latestToday = new Date(now.getTime() + 14 * 3600 * 1000).toISOString().slice(0, 10);
  return value <= latestToday;
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
