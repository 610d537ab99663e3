import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsUrl, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsMoney } from '../money';
import { IsText } from '../../common/validation/text';

export const MAX_PRICE = '99999999.99';
const MAX_STOCK = 2_147_483_647;
/** The most gallery images a goods has (the migration's goods_images_check says so too). */
export const MAX_IMAGES = 9;

/** Present means validated; `null` is refused (the column is NOT NULL). */
const present = ValidateIf((_o, value) => value !== undefined);
/** Present and not `null` means validated; `null` clears the field. */
const nullable = ValidateIf((_o, value) => value !== undefined && value !== null);
const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const httpUrl = IsUrl(HTTP_URL, { message: 'imageUrl must be an http(s) URL' });

/** The gallery: present means an array (not `null`) of at most 9 http(s) URLs of ≤ 500 characters. */
function GalleryImages() {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'array',
      items: { type: 'string', format: 'uri', minLength: 1, maxLength: 500 },
      maxItems: MAX_IMAGES,
      description: `The gallery beside the cover: 0–${MAX_IMAGES} http(s) URLs, in order (e.g. from POST /api/media with purpose=goods)`,
    }) as PropertyDecorator,
    present,
    IsArray({ message: 'images must be an array of http(s) URLs' }),
    ArrayMaxSize(MAX_IMAGES, { message: `images holds at most ${MAX_IMAGES} URLs` }),
    IsUrl(HTTP_URL, { each: true, message: 'each of images must be an http(s) URL' }),
    MaxLength(500, { each: true, message: 'each of images must be at most 500 characters' }),
  );
}

/**
 * `POST /api/goods`. Any other property (`id`, `version`, `createdBy`, …) is a 400.
 * Defaults are said in descriptions, not as `default`: openapi-typescript (with its default
 * options) types a property with a `default` as required, which a request body must not be.
 */
export class CreateGoodsDto {
  @ApiProperty({ minLength: 1, maxLength: 120, example: '红富士苹果 5kg' })
  @IsText(1, 120)
  name: string;

  @ApiProperty({ minimum: 0, maximum: 99999999.99, example: 39.9, description: 'Yuan, at most 2 decimals' })
  @IsMoney(MAX_PRICE)
  price: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_STOCK, description: 'Omitted: 0' })
  @present @IsInt() @Min(0) @Max(MAX_STOCK)
  stock?: number;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 50, nullable: true, example: '水果' })
  @IsOptional() @nullable @IsText(1, 50)
  category?: string | null;

  @ApiPropertyOptional({ description: 'Omitted: true' })
  @present @IsBoolean()
  onSale?: boolean;

  @ApiPropertyOptional({ type: String, maxLength: 5000, nullable: true })
  @IsOptional() @nullable @IsText(0, 5000)
  description?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uri', minLength: 1, maxLength: 500, nullable: true, description: 'http(s) URL' })
  @IsOptional() @nullable @IsText(1, 500) @httpUrl
  imageUrl?: string | null;

  @GalleryImages()
  images?: string[];
}

/** `PATCH /api/goods/:id`: any of the create fields, plus the `version` the client last saw. */
export class UpdateGoodsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @present @IsText(1, 120)
  name?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 99999999.99 })
  @present @IsMoney(MAX_PRICE)
  price?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_STOCK })
  @present @IsInt() @Min(0) @Max(MAX_STOCK)
  stock?: number;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 50, nullable: true })
  @IsOptional() @nullable @IsText(1, 50)
  category?: string | null;

  @ApiPropertyOptional()
  @present @IsBoolean()
  onSale?: boolean;

  @ApiPropertyOptional({ type: String, maxLength: 5000, nullable: true })
  @IsOptional() @nullable @IsText(0, 5000)
  description?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uri', minLength: 1, maxLength: 500, nullable: true, description: 'http(s) URL' })
  @IsOptional() @nullable @IsText(1, 500) @httpUrl
  imageUrl?: string | null;

  @GalleryImages()
  images?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_STOCK, description: 'When given and not the current version: 409 VERSION_CONFLICT, nothing changes' })
  @present @IsInt() @Min(1) @Max(MAX_STOCK)
  version?: number;
}

export const GOODS_FIELDS = ['name', 'price', 'stock', 'category', 'onSale', 'description', 'imageUrl', 'images'] as const;
