import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsString,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { ENCRYPTED_DATA_MAX, IV_MAX } from './wechat-profile.dto';

/** Fails when the decorated property is present together with any of `others`. */
function NotTogetherWith(others: string[], options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notTogetherWith',
      target: target.constructor,
      propertyName,
      constraints: others,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const object = args.object as Record<string, unknown>;
          return value === undefined || others.every((other) => object[other] === undefined);
        },
        defaultMessage: () => `send either {code} or {encryptedData, iv}, not both`,
      },
    });
}

const usesCodeFlow = (o: PhoneNumberDto) => o.code !== undefined || (o.encryptedData === undefined && o.iv === undefined);

/**
 * Exactly one of the two shapes: `{code}` from a getPhoneNumber button (current), or
 * `{encryptedData, iv}` (the older flow). Both or neither → 400.
 */
export class PhoneNumberDto {
  @ApiPropertyOptional({ description: 'e.detail.code of a getPhoneNumber button (one-time, 5 minutes)', minLength: 1, maxLength: 128 })
  @ValidateIf(usesCodeFlow)
  @NotTogetherWith(['encryptedData', 'iv'])
  @IsString({ message: 'send either {code} or {encryptedData, iv}' }) @MinLength(1) @MaxLength(128)
  code?: string;

  @ApiPropertyOptional({ description: 'e.detail.encryptedData of the older getPhoneNumber flow (base64)', minLength: 1, maxLength: ENCRYPTED_DATA_MAX })
  @ValidateIf((o: PhoneNumberDto) => !usesCodeFlow(o))
  @IsString() @MinLength(1) @MaxLength(ENCRYPTED_DATA_MAX)
  encryptedData?: string;

  @ApiPropertyOptional({ description: 'e.detail.iv sent with encryptedData (base64)', minLength: 1, maxLength: IV_MAX })
  @ValidateIf((o: PhoneNumberDto) => !usesCodeFlow(o))
  @IsString() @MinLength(1) @MaxLength(IV_MAX)
  iv?: string;
}
