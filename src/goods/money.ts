import { registerDecorator, ValidationOptions } from 'class-validator';

/** The largest price numeric(12,2) holds. */
const MAX_MONEY = '9999999999.99';

const DECIMAL = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

/**
 * A JSON number with at most two decimals, as an exact decimal string, or null. JSON
 * numbers arrive as doubles, and a double prints back as the shortest text that reads
 * back as the same double: 0.1 → "0.1", 99999999.99 → "99999999.99", 1.005 → "1.005".
 * So that text is what the client wrote, and it goes to PostgreSQL as text: no float
 * arithmetic ever touches the amount.
 */
export function moneyFromNumber(value: unknown, max = MAX_MONEY): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  const text = String(value);
  if (!DECIMAL.test(text)) return null;
  return compareDecimal(text, max) <= 0 ? text : null;
}

/** The same rule for query strings (`minPrice=12.5`). */
export function moneyFromString(value: unknown, max = MAX_MONEY): string | null {
  if (typeof value !== 'string' || !DECIMAL.test(value)) return null;
  return compareDecimal(value, max) <= 0 ? value : null;
}

/** Compares two non-negative decimal strings exactly. */
export function compareDecimal(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const x = af.padEnd(width, '0');
  const y = bf.padEnd(width, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

/** A validation decorator accepting what `parse` accepts, from 0 to `max`, at most two decimals. */
function moneyDecorator(name: string, what: string, parse: (value: unknown, max: string) => string | null) {
  return (max: string, options?: ValidationOptions): PropertyDecorator =>
    (target: object, propertyName: string | symbol) => {
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options: { message: `${String(propertyName)} must be ${what} from 0 to ${max} with at most 2 decimals`, ...options },
        validator: { validate: (value: unknown) => parse(value, max) !== null },
      });
    };
}

/** A JSON number of yuan: 0 to `max`, at most two decimals. */
export const IsMoney = moneyDecorator('isMoney', 'a number', moneyFromNumber);

/** A query string amount: 0 to `max`, at most two decimals, e.g. `12.5`. */
export const IsMoneyString = moneyDecorator('isMoneyString', 'an amount', moneyFromString);
