// What to tell the user about an ApiError of utils/api.js, by its stable code (never by message).
'use strict';

function messageOf(err) {
  var code = err && err.code;
  switch (code) {
    case 'NETWORK_ERROR':
      return '网络不可用，请稍后重试';
    case 'RATE_LIMITED':
    case 'WECHAT_RATE_LIMITED':
      return '操作太频繁，请稍后再试';
    case 'WECHAT_UNAVAILABLE':
      return '微信服务繁忙，请稍后再试';
    case 'USER_DISABLED':
      return '账号已停用';
    case 'WECHAT_USER_BLOCKED':
      return '微信账号存在风险，暂时无法登录';
    case 'SESSION_KEY_STALE':
      return '登录状态已更新，请再试一次';
    case 'USER_DENIED':
      return '已取消授权';
    case 'VALIDATION_FAILED':
      return (err.messages && err.messages[0]) || '输入有误';
    default:
      // The request id lets support find the request in the server's logs.
      return '出错了' + (err && err.requestId ? '（' + err.requestId + '）' : '');
  }
}

module.exports = { messageOf: messageOf };
