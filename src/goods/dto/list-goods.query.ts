import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsMoneyString } from '../money';
import { IsText } from '../../common/validation/text';
import { MAX_PRICE } from './goods.dto';

export const GOODS_ORDERINGS = ['price', '-price', 'createdAt', '-createdAt', 'name', '-name', 'stock', '-stock'] as const;
export type GoodsOrdering = (typeof GOODS_ORDERINGS)[number];

/** `GET /api/goods`. An unknown parameter or a bad value is a 400 (the global pipe forbids extras). */
export class ListGoodsQueryDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Case-insensitive substring of the name; % and _ are literal' })
  @IsOptional() @IsText(0, 100)
  search?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 50 })
  @IsOptional() @IsText(1, 50)
  category?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'onSale must be true or false' })
  onSale?: boolean;

  @ApiPropertyOptional({ example: '10.5', description: 'Yuan, at most 2 decimals' })
  @IsOptional() @IsMoneyString(MAX_PRICE)
  minPrice?: string;

  @ApiPropertyOptional({ example: '99.99', description: 'Yuan, at most 2 decimals' })
  @IsOptional() @IsMoneyString(MAX_PRICE)
  maxPrice?: string;

  @ApiPropertyOptional({ enum: GOODS_ORDERINGS, default: '-createdAt' })
  @IsOptional() @IsIn(GOODS_ORDERINGS)
  ordering?: GoodsOrdering;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000, default: 1, description: 'page × pageSize ≤ 10000; deeper pages: follow nextCursor' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  pageSize?: number;

  @ApiPropertyOptional({ maxLength: 1024, description: 'nextCursor of the previous page (not with page)' })
  @IsOptional() @IsString() @MaxLength(1024)
  cursor?: string;
}
