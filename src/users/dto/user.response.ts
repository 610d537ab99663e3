import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../common/auth-user';
import type { Gender, UserEntity } from '../entities/user.entity';

/** The `User` of the API. Built field by field from the entity, so a new column can never leak. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) openid: string | null;
  @ApiProperty({ type: String, nullable: true }) unionid: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ type: String, nullable: true }) username: string | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true }) nickname: string | null;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '1990-05-17' }) birthday: string | null;
  @ApiProperty({ enum: ['unknown', 'male', 'female'] }) gender: Gender;
  @ApiProperty({ type: String, nullable: true }) address: string | null;
  @ApiProperty({ type: String, nullable: true }) signature: string | null;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiProperty({ type: String, nullable: true }) province: string | null;
  @ApiProperty({ type: String, nullable: true }) country: string | null;
  @ApiProperty({ type: String, nullable: true }) language: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toUserResponse(user: UserEntity): UserResponse {
  return {
    id: user.id,
    openid: user.openid,
    unionid: user.unionid,
    role: user.role,
    disabled: user.disabled,
    username: user.username,
    name: user.name,
    nickname: user.nickname,
    avatarUrl: user.avatarUrl,
    email: user.email,
    phone: user.phone,
    birthday: user.birthday,
    gender: user.gender,
    address: user.address,
    signature: user.signature,
    city: user.city,
    province: user.province,
    country: user.country,
    language: user.language,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
