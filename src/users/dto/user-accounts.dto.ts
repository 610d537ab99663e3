import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { ROLES, Role } from '../../common/auth-user';
import { IsText } from '../../common/validation/text';
import { UserResponse } from './user.response';

/** Usernames of staff and admin accounts (the same rule as ADMIN_USERNAME). */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{3,64}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

const present = ValidateIf((_o, value) => value !== undefined);

/** `POST /api/users` (admin): a staff or admin account. Mini program users only come from WeChat logins. */
export class CreateAccountDto {
  @ApiProperty({ pattern: USERNAME_PATTERN.source, example: 'alice' })
  @IsString() @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 letters, digits or _.@-' })
  username: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString() @MinLength(PASSWORD_MIN) @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty({ enum: ['staff', 'admin'] })
  @IsIn(['staff', 'admin'], { message: 'role must be staff or admin' })
  role: 'staff' | 'admin';

  @ApiPropertyOptional({ minLength: 1, maxLength: 50 })
  @present @IsText(1, 50)
  nickname?: string;
}

/** `PATCH /api/users/:id` (admin). */
export class UpdateAccountDto {
  @ApiPropertyOptional({ enum: ROLES })
  @present @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @present @IsBoolean()
  disabled?: boolean;
}

/** `GET /api/users` (admin). */
export class ListUsersQueryDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Substring of nickname, username or openid (case-insensitive)' })
  @IsOptional() @IsText(0, 100)
  search?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  pageSize?: number;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) items: UserResponse[];
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) page: number;
  @ApiProperty({ type: 'integer' }) pageSize: number;
}
