// Where the API is. In WeChat DevTools a local server works with "不校验合法域名" (urlCheck: false in
// project.config.json); on a phone it must be an https domain listed in the mini program's
// request domains (小程序后台 → 开发 → 开发设置 → 服务器域名).
module.exports = {
  apiBaseUrl: 'http://127.0.0.1:3000',
};
