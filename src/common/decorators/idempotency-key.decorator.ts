import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/** The header as clients send it (HTTP header names are case-insensitive; Node gives them lower-cased). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * The optional `Idempotency-Key` request header, documented once with the handler that reads
 * it. A decorator of our own rather than `@Headers('idempotency-key')`, which the OpenAPI
 * document would list as a second, required header beside this one.
 */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined => {
    const value = ctx.switchToHttp().getRequest().headers?.[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    return typeof value === 'string' ? value : undefined;
  },
  [
    (target, key) => {
      if (key === undefined) return;
      ApiHeader({
        name: IDEMPOTENCY_KEY_HEADER,
        required: false,
        description: 'Retries with the same key from the same user within 24 h create nothing new; the same key with another body is a 422',
        // The rule of GoodsService: 1-255 visible ASCII characters.
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
      })(target, key, Object.getOwnPropertyDescriptor(target, key)!);
    },
  ],
);
