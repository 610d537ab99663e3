import { DomainError, domainError } from '../common/errors';

/** 40029: the login code is not valid (forged, expired, or of another app). The client calls wx.login again. */
export class WechatCodeInvalidError extends DomainError {
  readonly code = 'WECHAT_CODE_INVALID';
  constructor(readonly status: number = 401, message = 'The WeChat code is invalid; call wx.login again') {
    super(message);
  }
}

/** 40163: the code was already traded. The client calls wx.login again. */
export class WechatCodeUsedError extends domainError(401, 'WECHAT_CODE_USED', 'The WeChat code was already used; call wx.login again') {}

/** 45011: WeChat's frequency limit for this user. The client backs off. */
export class WechatRateLimitedError extends domainError(429, 'WECHAT_RATE_LIMITED', 'WeChat is rate limiting this user; retry later', {
  'Retry-After': '60',
}) {}

/** 40226: WeChat flags the user as high-risk. Nothing the client can do by retrying. */
export class WechatUserBlockedError extends domainError(403, 'WECHAT_USER_BLOCKED', 'WeChat refused this user (high-risk account)') {}

/** -1 busy, an HTTP error, a timeout or no answer, after retries. The client retries later. */
export class WechatUnavailableError extends domainError(503, 'WECHAT_UNAVAILABLE', 'WeChat is unavailable; retry shortly', {
  'Retry-After': '5',
}) {}

/** Any other errcode: usually our own misconfiguration (wrong AppID or secret); details are in the log. */
export class WechatApiError extends DomainError {
  readonly status = 502;
  readonly code = 'WECHAT_ERROR';
  constructor(readonly errcode: number) {
    super(`WeChat answered an unexpected error (${errcode})`);
  }
}

/**
 * WeChat's encrypted data could not be opened or checked with the session_key we hold:
 * bad base64, wrong key or iv length, bad padding, not JSON, another app's watermark or
 * a wrong signature. The usual cause is that the mini program called wx.login again
 * (which replaces the session_key at WeChat) without logging in here. The client calls
 * wx.login, logs in again, and retries with freshly obtained encryptedData.
 */
export class SessionKeyStaleError extends domainError(
  400,
  'SESSION_KEY_STALE',
  'The WeChat data does not match the current session; call wx.login, log in again and retry with fresh data',
) {}
