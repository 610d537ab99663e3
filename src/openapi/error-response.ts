import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer: Nest's body plus a stable machine-readable `code`. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 401 })
  statusCode: number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'Human-readable; a list of messages for validation errors. Do not parse it: use `code`.',
    example: 'The WeChat code was already used; call wx.login again',
  })
  message: string | string[];

  @ApiProperty({ example: 'Unauthorized', description: 'The HTTP reason phrase' })
  error: string;

  @ApiPropertyOptional({
    example: 'WECHAT_CODE_USED',
    description: 'Stable machine-readable code; the error responses of each operation list the codes it can answer.',
  })
  code?: string;
}
