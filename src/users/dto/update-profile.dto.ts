import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsUrl, ValidateIf } from 'class-validator';
import { IsPastCalendarDate } from './is-past-date';
import { IsText } from '../../common/validation/text';
import type { Gender } from '../entities/user.entity';

/**
 * `null` clears a field; a property not listed here (id, openid, role, phone, …) is a 400.
 * Text is counted in characters as PostgreSQL counts them and may not contain NUL.
 */
const nullable = ValidateIf((_o, value) => value !== null);

export class UpdateProfileDto {
  @ApiPropertyOptional({ maxLength: 30, nullable: true })
  @IsOptional() @nullable @IsText(0, 30)
  name?: string | null;

  @ApiPropertyOptional({ maxLength: 50, nullable: true })
  @IsOptional() @nullable @IsText(0, 50)
  nickname?: string | null;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, description: 'http(s) URL' })
  @IsOptional() @nullable @IsText(1, 500)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'avatarUrl must be an http(s) URL' })
  avatarUrl?: string | null;

  @ApiPropertyOptional({ maxLength: 254, nullable: true })
  @IsOptional() @nullable @IsText(1, 254) @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @ApiPropertyOptional({ example: '1990-05-17', nullable: true })
  @IsOptional() @nullable @IsPastCalendarDate()
  birthday?: string | null;

  /** The column always holds a gender, so clearing it (`null`) sets `unknown`, what a new user has. */
  @ApiPropertyOptional({ enum: ['unknown', 'male', 'female'], nullable: true, description: '`null` clears it to `unknown`' })
  @Transform(({ value }) => (value === null ? 'unknown' : value))
  @IsOptional() @IsIn(['unknown', 'male', 'female'])
  gender?: Gender;

  @ApiPropertyOptional({ maxLength: 550, nullable: true })
  @IsOptional() @nullable @IsText(0, 550)
  address?: string | null;

  @ApiPropertyOptional({ maxLength: 550, nullable: true })
  @IsOptional() @nullable @IsText(0, 550)
  signature?: string | null;

  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional() @nullable @IsText(0, 100)
  city?: string | null;

  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional() @nullable @IsText(0, 100)
  province?: string | null;

  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional() @nullable @IsText(0, 100)
  country?: string | null;

  @ApiPropertyOptional({ maxLength: 32, nullable: true })
  @IsOptional() @nullable @IsText(0, 32)
  language?: string | null;
}

export const EDITABLE_PROFILE_FIELDS = [
  'name', 'nickname', 'avatarUrl', 'email', 'birthday', 'gender', 'address', 'signature', 'city', 'province', 'country', 'language',
] as const satisfies readonly (keyof UpdateProfileDto)[];
export type ProfilePatch = Partial<Pick<UpdateProfileDto, (typeof EDITABLE_PROFILE_FIELDS)[number]>>;
