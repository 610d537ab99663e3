import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

/**
 * Caps only: a value that is not proper base64, or the wrong length once decoded, is
 * WeChat data we cannot open, which answers 400 SESSION_KEY_STALE like any other
 * decryption failure.
 */
export const ENCRYPTED_DATA_MAX = 8192;
export const IV_MAX = 64;

export class WechatProfileDto {
  @ApiProperty({ description: 'encryptedData from wx.getUserProfile / wx.getUserInfo (base64)', minLength: 1, maxLength: ENCRYPTED_DATA_MAX })
  @IsString() @MinLength(1) @MaxLength(ENCRYPTED_DATA_MAX)
  encryptedData: string;

  @ApiProperty({ description: 'iv sent with encryptedData (base64 of 16 bytes: 24 characters)', minLength: 1, maxLength: IV_MAX })
  @IsString() @MinLength(1) @MaxLength(IV_MAX)
  iv: string;

  @ApiPropertyOptional({ description: 'rawData as WeChat sent it; with `signature`, checked against sha1(rawData + session_key)', maxLength: 4096 })
  @ValidateIf((o: WechatProfileDto) => o.rawData !== undefined || o.signature !== undefined)
  @IsString({ message: 'rawData and signature must be sent together' }) @MaxLength(4096)
  rawData?: string;

  @ApiPropertyOptional({ description: 'hex sha1 signature of rawData, sent with it', pattern: '^[0-9a-fA-F]{40}$', example: '75e81ceda165f4ffa64f4068af58c64b8f54b88c' })
  @ValidateIf((o: WechatProfileDto) => o.rawData !== undefined || o.signature !== undefined)
  @IsString({ message: 'rawData and signature must be sent together' }) @Matches(/^[0-9a-fA-F]{40}$/, { message: 'signature must be 40 hex characters' })
  signature?: string;
}
