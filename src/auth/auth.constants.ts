/** Passport strategy names. */
export const WECHAT_CODE_STRATEGY = 'wechat-code';
export const JWT_STRATEGY = 'jwt';
export const PASSWORD_STRATEGY = 'password';
