import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * A string of `min`–`max` characters counted as PostgreSQL counts them (code points, so
 * 苹果 is 2 and an emoji 1), without NUL, which PostgreSQL text cannot hold. `min` ≥ 1
 * also means "not only whitespace".
 */
export function isText(value: unknown, min: number, max: number): boolean {
  if (typeof value !== 'string' || value.includes('\u0000')) return false;
  const length = [...value].length;
  if (length > max || length < min) return false;
  return min === 0 || value.trim().length > 0;
}

export function IsText(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isText',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: min > 0 ? `${String(propertyName)} must be text of ${min} to ${max} characters` : `${String(propertyName)} must be text of at most ${max} characters`,
        ...options,
      },
      validator: { validate: (value: unknown) => isText(value, min, max) },
    });
  };
}
