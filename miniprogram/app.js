// The example mini program's entry. Everything that talks to the server goes through utils/api.js.
var createApi = require('./utils/api').createApi;
var config = require('./config');

App({
  onLaunch: function () {
    var app = this;
    app.api = createApi({ baseUrl: config.apiBaseUrl, wx: wx });
    // Log in now (wx.login is silent) unless a pair is stored and WeChat's session is valid, so
    // the first page does not wait for it. A failure here is shown by the pages' own calls.
    app.ready = app.api.ensureSession().catch(function (err) {
      app.launchError = err;
      console.warn('login at launch failed:', err.code, err.requestId);
    });
  },
});
