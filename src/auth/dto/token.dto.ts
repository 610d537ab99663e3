import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { UserResponse } from '../../users/dto/user.response';

export class RefreshTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 256 }) @IsString() @IsNotEmpty() @MaxLength(256)
  refreshToken: string;
}

export class VerifyTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 4096 }) @IsString() @IsNotEmpty() @MaxLength(4096)
  token: string;
}

export class TokenPairResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ description: 'Single use: each refresh spends it and returns a new one' }) refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', description: 'Access token lifetime in seconds' }) expiresIn: number;
  @ApiProperty({ type: UserResponse }) user: UserResponse;
  @ApiProperty() isNewUser: boolean;
}

export class VerifyTokenResponse {
  @ApiProperty({ enum: [true] }) valid: true;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ enum: ['user', 'staff', 'admin'] }) role: string;
  @ApiProperty({ type: 'integer', description: 'Expiry, seconds since the epoch' }) exp: number;
}
