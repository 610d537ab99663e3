import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsText } from '../../common/validation/text';
import { PASSWORD_MAX } from '../../users/dto/user-accounts.dto';

/** `POST /api/auth/token`: a staff or admin account's username and password. */
export class PasswordLoginDto {
  @ApiProperty({ example: 'alice', minLength: 1, maxLength: 64 }) @IsText(1, 64)
  username: string;

  @ApiProperty({ format: 'password', minLength: 1, maxLength: PASSWORD_MAX }) @IsString() @MinLength(1) @MaxLength(PASSWORD_MAX)
  password: string;
}
