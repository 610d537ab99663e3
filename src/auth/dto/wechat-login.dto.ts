import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUrl, MaxLength, ValidateNested } from 'class-validator';
import { IsText } from '../../common/validation/text';

/** What wx.getUserProfile returns as `userInfo`. Text may not contain NUL, which PostgreSQL cannot store. */
export class WechatUserInfoDto {
  @ApiPropertyOptional({ maxLength: 50 }) @IsOptional() @IsText(0, 50)
  nickName?: string;

  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsText(1, 500)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  avatarUrl?: string;

  @ApiPropertyOptional({ enum: [0, 1, 2], description: '0 unknown, 1 male, 2 female' }) @IsOptional() @IsIn([0, 1, 2])
  gender?: 0 | 1 | 2;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsText(0, 100)
  city?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsText(0, 100)
  province?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsText(0, 100)
  country?: string;

  @ApiPropertyOptional({ maxLength: 32 }) @IsOptional() @IsText(0, 32)
  language?: string;

  /** Sent by newer WeChat versions along with the profile; accepted and ignored. */
  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  is_demote?: boolean;
}

export class WechatLoginDto {
  @ApiProperty({ description: 'The one-time code from wx.login()', maxLength: 128 })
  @IsString() @IsNotEmpty() @MaxLength(128)
  code: string;

  @ApiPropertyOptional({ type: WechatUserInfoDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => WechatUserInfoDto)
  userInfo?: WechatUserInfoDto;
}
