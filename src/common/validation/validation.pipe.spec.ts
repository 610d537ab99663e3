import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { getMetadataStorage, IsInt, registerDecorator, ValidationOptions } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../../app.module';
import { DtoValidationPipe } from './validation.pipe';

/** Names of the registered constraints that validate asynchronously (validateSync would skip them). */
function asyncConstraintNames(): string[] {
  const storage = getMetadataStorage() as unknown as { constraintMetadatas: Map<unknown, { name: string; async: boolean }[]> };
  return [...storage.constraintMetadatas.values()].flat().filter((c) => c.async).map((c) => c.name);
}

function IsSlowlyChecked(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({ name: 'isSlowlyCheckedForThisTest', target: object.constructor, propertyName, options, async: true, validator: { validate: async () => true } });
}

class PageQuery {
  @Type(() => Number)
  @IsInt()
  page!: number;
}

describe(DtoValidationPipe.name, () => {
  it('should be used only where every constraint is synchronous: the app registers none that is async', () => {
    expect(AppModule).toBeDefined(); // loads every module, so every DTO and its decorators
    class WithAsync {
      @IsSlowlyChecked()
      name!: string;
    }
    expect(WithAsync).toBeDefined();
    // The check itself can fail: the async decorator above is found.
    expect(asyncConstraintNames()).toContain('isSlowlyCheckedForThisTest');
    expect(asyncConstraintNames().filter((name) => name !== 'isSlowlyCheckedForThisTest')).toEqual([]);
  });

  it('should transform, validate and refuse as Nest’s ValidationPipe does', async () => {
    const pipe = new DtoValidationPipe();
    const ok = await pipe.transform({ page: '3' }, { type: 'query', metatype: PageQuery });
    expect(ok).toBeInstanceOf(PageQuery);
    expect(ok).toEqual({ page: 3 });
    await expect(pipe.transform({ page: 'x' }, { type: 'query', metatype: PageQuery })).rejects.toThrow(BadRequestException);
    const refused = await pipe.transform({ page: '1', extra: '1' }, { type: 'query', metatype: PageQuery }).catch((err: BadRequestException) => err.getResponse());
    expect(refused).toMatchObject({ message: ['property extra should not exist'] });
  });
});
