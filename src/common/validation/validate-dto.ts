import { BadRequestException, ValidationError } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DTO_VALIDATOR_OPTIONS } from './validation.pipe';

/**
 * Validates a body the way the global ValidationPipe does, for code that runs before
 * pipes (Passport strategies run in guards), so bad input is a 400 before anything is called.
 */
export function validateDto<T extends object>(cls: ClassConstructor<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('Request body must be a JSON object');
  }
  const instance = plainToInstance(cls, body);
  const errors = validateSync(instance, DTO_VALIDATOR_OPTIONS);
  if (errors.length > 0) throw new BadRequestException(flatten(errors));
  return instance;
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...flatten(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);
}
