import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsString, IsUrl, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsText } from '../../common/validation/text';

/** Present means validated: WeChat never sends `null` here, so `null` is a 400 like any other wrong type. */
const present = ValidateIf((_o, value) => value !== undefined);

/** What wx.getUserProfile returns as `userInfo`. Text may not contain NUL, which PostgreSQL cannot store. */
export class WechatUserInfoDto {
  @ApiPropertyOptional({ maxLength: 50 }) @present @IsText(0, 50)
  nickName?: string;

  @ApiPropertyOptional({ format: 'uri', minLength: 1, maxLength: 500, description: 'http(s) URL' }) @present @IsText(1, 500)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  avatarUrl?: string;

  @ApiPropertyOptional({ type: 'integer', enum: [0, 1, 2], description: '0 unknown, 1 male, 2 female' }) @present @IsIn([0, 1, 2])
  gender?: 0 | 1 | 2;

  @ApiPropertyOptional({ maxLength: 100 }) @present @IsText(0, 100)
  city?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @present @IsText(0, 100)
  province?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @present @IsText(0, 100)
  country?: string;

  @ApiPropertyOptional({ maxLength: 32 }) @present @IsText(0, 32)
  language?: string;

  /** Sent by newer WeChat versions along with the profile; accepted and ignored. */
  @ApiPropertyOptional() @present @IsBoolean()
  is_demote?: boolean;
}

export class WechatLoginDto {
  @ApiProperty({ description: 'The one-time code from wx.login()', minLength: 1, maxLength: 128 })
  @IsString() @IsNotEmpty() @MaxLength(128)
  code: string;

  @ApiPropertyOptional({ type: WechatUserInfoDto })
  @present @IsObject() @ValidateNested() @Type(() => WechatUserInfoDto)
  userInfo?: WechatUserInfoDto;
}
