import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsUrl, ValidateIf } from 'class-validator';
import { IsPastCalendarDate } from './is-past-date';
import { IsText } from '../../common/validation/text';
import type { Gender } from '../entities/user.entity';

const GENDERS: readonly Gender[] = ['unknown', 'male', 'female'];

/**
 * `null` clears a field; a property not listed here (id, openid, role, phone, …) is a 400.
 * Text is counted in characters as PostgreSQL counts them and may not contain NUL.
 */
const nullable = ValidateIf((_o, value) => value !== null);

export class UpdateProfileDto {
  @ApiPropertyOptional({ type: String, maxLength: 30, nullable: true })
  @IsOptional() @nullable @IsText(0, 30)
  name?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 50, nullable: true })
  @IsOptional() @nullable @IsText(0, 50)
  nickname?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uri', minLength: 1, maxLength: 500, nullable: true, description: 'http(s) URL' })
  @IsOptional() @nullable @IsText(1, 500)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'avatarUrl must be an http(s) URL' })
  avatarUrl?: string | null;

  @ApiPropertyOptional({ type: String, format: 'email', minLength: 1, maxLength: 254, nullable: true })
  @IsOptional() @nullable @IsText(1, 254) @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', example: '1990-05-17', nullable: true, description: 'YYYY-MM-DD, not after today in China' })
  @IsOptional() @nullable @IsPastCalendarDate()
  birthday?: string | null;

  /** The column always holds a gender, so clearing it (`null`) sets `unknown`, what a new user has. */
  @ApiPropertyOptional({ type: String, enum: [...GENDERS, null], nullable: true, description: '`null` clears it to `unknown`' })
  @Transform(({ value }) => (value === null ? 'unknown' : value))
  @IsOptional() @IsIn(GENDERS)
  gender?: Gender;

  @ApiPropertyOptional({ type: String, maxLength: 550, nullable: true })
  @IsOptional() @nullable @IsText(0, 550)
  address?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 550, nullable: true })
  @IsOptional() @nullable @IsText(0, 550)
  signature?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true })
  @IsOptional() @nullable @IsText(0, 100)
  city?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true })
  @IsOptional() @nullable @IsText(0, 100)
  province?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 100, nullable: true })
  @IsOptional() @nullable @IsText(0, 100)
  country?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 32, nullable: true })
  @IsOptional() @nullable @IsText(0, 32)
  language?: string | null;
}

export const EDITABLE_PROFILE_FIELDS = [
  'name', 'nickname', 'avatarUrl', 'email', 'birthday', 'gender', 'address', 'signature', 'city', 'province', 'country', 'language',
] as const satisfies readonly (keyof UpdateProfileDto)[];
export type ProfilePatch = Partial<Pick<UpdateProfileDto, (typeof EDITABLE_PROFILE_FIELDS)[number]>>;
