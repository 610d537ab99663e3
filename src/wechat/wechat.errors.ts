import { DomainError } from '../common/errors';

/** 40029: the login code is not valid (forged, expired, or of another app). The client calls wx.login again. */
export class WechatCodeInvalidError extends DomainError {
  readonly code = 'WECHAT_CODE_INVALID';
  constructor(readonly status: number = 401, message = 'The WeChat code is invalid; call wx.login again') {
    super(message);
  }
}

/** 40163: the code was already traded. The client calls wx.login again. */
export class WechatCodeUsedError extends DomainError {
  readonly status = 401;
  readonly code = 'WECHAT_CODE_USED';
  constructor() {
    super('The WeChat code was already used; call wx.login again');
  }
}

/** 45011: WeChat's frequency limit for this user. The client backs off. */
export class WechatRateLimitedError extends DomainError {
  readonly status = 429;
  readonly code = 'WECHAT_RATE_LIMITED';
  constructor() {
    super('WeChat is rate limiting this user; retry later');
    this.headers['Retry-After'] = '60';
  }
}

/** 40226: WeChat flags the user as high-risk. Nothing the client can do by retrying. */
export class WechatUserBlockedError extends DomainError {
  readonly status = 403;
  readonly code = 'WECHAT_USER_BLOCKED';
  constructor() {
    super('WeChat refused this user (high-risk account)');
  }
}

/** -1 busy, an HTTP error, a timeout or no answer, after retries. The client retries later. */
export class WechatUnavailableError extends DomainError {
  readonly status = 503;
  readonly code = 'WECHAT_UNAVAILABLE';
  constructor() {
    super('WeChat is unavailable; retry shortly');
    this.headers['Retry-After'] = '5';
  }
}

/** Any other errcode: usually our own misconfiguration (wrong AppID or secret); details are in the log. */
export class WechatApiError extends DomainError {
  readonly status = 502;
  readonly code = 'WECHAT_ERROR';
  constructor(readonly errcode: number) {
    super(`WeChat answered an unexpected error (${errcode})`);
  }
}
