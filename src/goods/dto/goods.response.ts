import { ApiProperty } from '@nestjs/swagger';
import type { GoodsEntity } from '../entities/goods.entity';

/** The `Goods` of the API, built field by field so a new column never leaks. */
export class GoodsResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ description: 'Yuan, at most 2 decimals', example: 39.9 }) price: number;
  @ApiProperty({ type: 'integer' }) stock: number;
  @ApiProperty({ type: String, nullable: true }) category: string | null;
  @ApiProperty() onSale: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The cover' }) imageUrl: string | null;
  @ApiProperty({ type: [String], description: 'The gallery, 0–9 URLs in order ([] when none)' }) images: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'user id' }) createdBy: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'user id' }) updatedBy: string | null;
  @ApiProperty({ type: 'integer', description: 'Starts at 1, grows by one on every change' }) version: number;
}

export class GoodsListResponse {
  @ApiProperty({ type: [GoodsResponse] }) items: GoodsResponse[];
  @ApiProperty({ type: 'integer', description: 'Exact up to 10000, else 10000' }) total: number;
  @ApiProperty() totalExact: boolean;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null in cursor mode' }) page: number | null;
  @ApiProperty({ type: 'integer' }) pageSize: number;
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

export function toGoodsResponse(goods: GoodsEntity): GoodsResponse {
  return {
    id: goods.id,
    name: goods.name,
    description: goods.description,
    // "12.50" → 12.5: a decimal with at most 2 places and ≤ 10 significant digits reads
    // into the double that prints back as the same decimal.
    price: Number(goods.price),
    stock: goods.stock,
    category: goods.category,
    onSale: goods.onSale,
    imageUrl: goods.imageUrl,
    images: goods.images,
    createdAt: goods.createdAt.toISOString(),
    updatedAt: goods.updatedAt.toISOString(),
    createdBy: goods.createdBy,
    updatedBy: goods.updatedBy,
    version: goods.version,
  };
}
