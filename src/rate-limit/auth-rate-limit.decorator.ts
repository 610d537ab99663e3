import { SetMetadata } from '@nestjs/common';

export const AUTH_RATE_LIMIT_KEY = 'wxmall:authRateLimit';

/**
 * Limits a login endpoint to AUTH_RATE_LIMIT requests a minute per client address
 * (429 `RATE_LIMITED` with `Retry-After`). The check is a global guard
 * (AuthRateLimitGuard), so it runs before any route guard: a throttled login never
 * reaches WeChat or the password check. The OpenAPI document gets the 429 from it too.
 */
export const AuthRateLimit = () => SetMetadata(AUTH_RATE_LIMIT_KEY, true);
