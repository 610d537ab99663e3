/**
 * wxmall-api client kit for WeChat mini programs.
 *
 * Copy this file (and api.d.ts beside it) into your mini program, then:
 *
 *   const { createApi } = require('./utils/api');
 *   const api = createApi({ baseUrl: 'https://api.example.com', wx });
 *   const me = await api.getMe(); // logs in with wx.login on first use
 *
 * Plain ES2017 with no dependencies: WeChat's runtime runs it as is. Nothing is global: the
 * kit uses only the `wx` it is given, its storage key, and `setTimeout`.
 *
 * Why it refreshes the way it does (docs/miniprogram.md tells the whole story): refresh
 * tokens are single-use and a spent one presented again revokes the whole session
 * (REFRESH_TOKEN_REUSED). So every request of a kit that fails at the same time waits for
 * ONE refresh; a request whose 401 arrives after a newer token was stored replays with that
 * token; copies of the kit that share the storage take turns through a lease in storage;
 * and REFRESH_IN_PROGRESS (someone else is spending this very token) means "wait for the
 * pair they store", never "refresh again".
 */
'use strict';

var KIT_VERSION = '1.0.0';
var DEFAULT_STORAGE_KEY = 'wxmall.auth';
/** Codes after which waiting and retrying may succeed (Retry-After says how long). */
var BACKOFF_CODES = ['RATE_LIMITED', 'WECHAT_RATE_LIMITED', 'WECHAT_UNAVAILABLE'];
/** A bad or spent wx.login code: a fresh one fixes it. */
var CODE_REJECTED = ['WECHAT_CODE_USED', 'WECHAT_CODE_INVALID'];
/** How often a kit waiting for another copy's refresh looks at the storage. */
var LEASE_POLL_MS = 50;

/**
 * Every failure reaches the caller as an ApiError. `code` is the server's stable code, or one
 * of the kit's own: NETWORK_ERROR (statusCode 0: no answer), WX_LOGIN_FAILED, USER_DENIED (the
 * user refused a WeChat permission), NOT_LOGGED_IN (autoLogin off), SESSION_KEY_STALE with
 * statusCode 0 (caught before sending). `needsFreshData`: ask WeChat for new encryptedData and
 * call again. `retryAfter`: seconds the server asked to wait, when it said so.
 */
class ApiError extends Error {
  constructor(fields) {
    super(fields.message);
    this.name = 'ApiError';
    this.statusCode = fields.statusCode;
    this.code = fields.code;
    this.requestId = fields.requestId || null;
    this.retryAfter = typeof fields.retryAfter === 'number' ? fields.retryAfter : null;
    this.needsFreshData = fields.needsFreshData === true;
    this.messages = fields.messages || null;
  }
}

function kitError(code, message, extra) {
  return new ApiError(Object.assign({ statusCode: 0, code: code, message: message }, extra));
}

function sleep(ms) {
  return new Promise(function (resolve) {
    setTimeout(resolve, ms);
  });
}

function isOk(res) {
  return res.statusCode >= 200 && res.statusCode < 300;
}

/** Response header names keep whatever case the server or proxy gave them. */
function headerOf(headers, name) {
  if (!headers) return undefined;
  var wanted = name.toLowerCase();
  var keys = Object.keys(headers);
  for (var i = 0; i < keys.length; i++) {
    if (keys[i].toLowerCase() === wanted) return headers[keys[i]];
  }
  return undefined;
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(value) {
  if (value === undefined || value === null) return null;
  var text = String(value).trim();
  if (/^\d+$/.test(text)) return parseInt(text, 10);
  var at = Date.parse(text);
  return isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Sent as X-Request-Id, which the server adopts: its logs and our errors name the same request. */
function newRequestId() {
  return 'mp-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
}

/** wx.request would send `undefined` and `null` query values as the strings "undefined"/"null". */
function withoutEmpty(query) {
  var out = {};
  if (!query) return out;
  Object.keys(query).forEach(function (key) {
    if (query[key] !== undefined && query[key] !== null) out[key] = query[key];
  });
  return out;
}

function toError(res) {
  if (res.statusCode === 0) {
    return kitError('NETWORK_ERROR', res.errMsg || 'The request did not reach the server', { requestId: res.requestId });
  }
  var body = res.data && typeof res.data === 'object' ? res.data : {};
  var messages = Array.isArray(body.message) ? body.message : null;
  var message = messages ? messages.join('; ') : typeof body.message === 'string' ? body.message : 'HTTP ' + res.statusCode;
  return new ApiError({
    statusCode: res.statusCode,
    code: typeof body.code === 'string' ? body.code : 'HTTP_' + res.statusCode,
    message: message,
    messages: messages,
    requestId: headerOf(res.header, 'x-request-id') || res.requestId,
    retryAfter: retryAfterSeconds(headerOf(res.header, 'retry-after')),
  });
}

/**
 * @param {object} options
 * @param {string} options.baseUrl   where the API is, e.g. 'https://api.example.com' (no /api)
 * @param {object} options.wx        the mini program's `wx`
 * @param {string} [options.storageKey='wxmall.auth'] where the token pair is kept
 * @param {number} [options.timeout=15000] per request, in ms
 * @param {boolean} [options.autoLogin=true] log in (wx.login, silent) when a call finds no pair
 * @param {object} [options.retry] `{attempts: 3, baseDelayMs: 500, maxDelayMs: 60000}`: tries in all
 *   for RATE_LIMITED / WECHAT_RATE_LIMITED / WECHAT_UNAVAILABLE; a wait the server asks for that is
 *   longer than maxDelayMs is not waited: the error reaches the caller with `retryAfter`.
 * @param {number} [options.refreshWaitMs=15000] how long to wait for another copy's refresh
 */
function createApi(options) {
  if (!options || !options.wx || !options.baseUrl) throw new TypeError('createApi needs { baseUrl, wx }');
  var wx = options.wx;
  var baseUrl = String(options.baseUrl).replace(/\/+$/, '');
  var storageKey = options.storageKey || DEFAULT_STORAGE_KEY;
  var leaseKey = storageKey + '.refreshing';
  var timeout = options.timeout || 15000;
  var autoLogin = options.autoLogin !== false;
  var retry = Object.assign({ attempts: 3, baseDelayMs: 500, maxDelayMs: 60000 }, options.retry);
  var refreshWaitMs = options.refreshWaitMs || 15000;

  var loginInFlight = null;
  var refreshInFlight = null;
  /** wx.login calls so far: each one replaces the session_key at WeChat. */
  var wxLogins = 0;
  /** Bumped by logout(): answers to requests begun before it are not stored. */
  var epoch = 0;

  // ---- storage ----------------------------------------------------------------------------

  function readPair() {
    var value;
    try {
      value = wx.getStorageSync(storageKey);
    } catch (err) {
      return null;
    }
    return value && typeof value.accessToken === 'string' && typeof value.refreshToken === 'string' ? value : null;
  }

  function savePair(tokenPair) {
    wx.setStorageSync(storageKey, { accessToken: tokenPair.accessToken, refreshToken: tokenPair.refreshToken });
  }

  /** With a refresh token: clears only if the stored pair is still that one (another copy may have stored a newer). */
  function clearPair(onlyRefreshToken) {
    var current = readPair();
    if (onlyRefreshToken && current && current.refreshToken !== onlyRefreshToken) return;
    try {
      wx.removeStorageSync(storageKey);
    } catch (err) {
      // nothing stored
    }
  }

  /** The lease names the refresh token being spent by its last characters, never the whole token. */
  function fingerprint(refreshToken) {
    return refreshToken.slice(-12);
  }

  function leaseHeldFor(refreshToken) {
    var lease;
    try {
      lease = wx.getStorageSync(leaseKey);
    } catch (err) {
      return false;
    }
    return !!lease && lease.of === fingerprint(refreshToken) && lease.until > Date.now();
  }

  function takeLease(refreshToken) {
    wx.setStorageSync(leaseKey, { of: fingerprint(refreshToken), until: Date.now() + 2 * timeout + 1000 });
  }

  function releaseLease(refreshToken) {
    var lease;
    try {
      lease = wx.getStorageSync(leaseKey);
    } catch (err) {
      return;
    }
    if (lease && lease.of === fingerprint(refreshToken)) {
      try {
        wx.removeStorageSync(leaseKey);
      } catch (err) {
        // already gone
      }
    }
  }

  // ---- transport ----------------------------------------------------------------------------

  function absolute(url) {
    return /^https?:\/\//.test(url) ? url : baseUrl + (url.charAt(0) === '/' ? '' : '/') + url;
  }

  /** One wx.request; always resolves, with statusCode 0 when nothing came back. */
  function send(req, accessToken) {
    var requestId = newRequestId();
    var header = Object.assign({ 'X-Request-Id': requestId }, req.header);
    if (accessToken) header.Authorization = 'Bearer ' + accessToken;
    var method = (req.method || 'GET').toUpperCase();
    return new Promise(function (resolve) {
      wx.request({
        url: absolute(req.url),
        method: method,
        data: method === 'GET' ? withoutEmpty(req.data) : req.data,
        header: header,
        timeout: req.timeout || timeout,
        dataType: 'json',
        success: function (res) {
          resolve({ statusCode: res.statusCode, data: res.data, header: res.header || {}, requestId: requestId });
        },
        fail: function (err) {
          resolve({ statusCode: 0, data: null, header: {}, requestId: requestId, errMsg: err && err.errMsg });
        },
      });
    });
  }

  /** One wx.uploadFile; its answer's `data` is always a string, parsed here. */
  function sendUpload(req, accessToken) {
    var requestId = newRequestId();
    var header = Object.assign({ 'X-Request-Id': requestId }, req.header);
    if (accessToken) header.Authorization = 'Bearer ' + accessToken;
    return new Promise(function (resolve) {
      wx.uploadFile({
        url: absolute(req.url),
        filePath: req.filePath,
        name: req.name || 'file',
        formData: req.formData,
        header: header,
        timeout: req.timeout || timeout,
        success: function (res) {
          var data = res.data;
          if (typeof data === 'string' && data !== '') {
            try {
              data = JSON.parse(data);
            } catch (err) {
              // not JSON (a proxy's error page): keep the text
            }
          }
          resolve({ statusCode: res.statusCode, data: data, header: res.header || {}, requestId: requestId });
        },
        fail: function (err) {
          resolve({ statusCode: 0, data: null, header: {}, requestId: requestId, errMsg: err && err.errMsg });
        },
      });
    });
  }

  /**
   * Waits before another try of a failure worth retrying, honouring Retry-After (never sooner)
   * with exponential backoff and jitter otherwise. False when it is not worth it (another code,
   * no tries left, or the server asks for longer than maxDelayMs).
   */
  async function backedOff(err, attempt) {
    if (BACKOFF_CODES.indexOf(err.code) < 0 || attempt >= retry.attempts) return false;
    var asked = err.retryAfter !== null ? err.retryAfter * 1000 : 0;
    if (asked > retry.maxDelayMs) return false;
    var exponential = retry.baseDelayMs * Math.pow(2, attempt - 1);
    var delay = asked > 0 ? asked + Math.random() * 250 : exponential / 2 + (Math.random() * exponential) / 2;
    await sleep(Math.min(delay, Math.max(asked, retry.maxDelayMs)));
    return true;
  }

  // ---- login --------------------------------------------------------------------------------

  function wxLogin() {
    return new Promise(function (resolve, reject) {
      wx.login({
        success: function (res) {
          wxLogins++;
          if (res && res.code) resolve(res.code);
          else reject(kitError('WX_LOGIN_FAILED', (res && res.errMsg) || 'wx.login gave no code'));
        },
        fail: function (err) {
          reject(kitError('WX_LOGIN_FAILED', (err && err.errMsg) || 'wx.login failed'));
        },
      });
    });
  }

  async function runLogin() {
    var startedIn = epoch;
    var codeRetried = false;
    for (var attempt = 1; ; ) {
      // A fresh code for every try: a code WeChat has seen may be spent even if we got no answer.
      var code = await wxLogin();
      var res = await send({ method: 'POST', url: '/api/auth/wechat/login', data: { code: code } });
      if (isOk(res)) {
        if (startedIn === epoch) savePair(res.data);
        return res.data;
      }
      var err = toError(res);
      if (CODE_REJECTED.indexOf(err.code) >= 0 && !codeRetried) {
        codeRetried = true;
        continue;
      }
      if (await backedOff(err, attempt)) {
        attempt++;
        continue;
      }
      if (err.code === 'USER_DISABLED' || err.code === 'WECHAT_USER_BLOCKED') clearPair();
      throw err;
    }
  }

  /** wx.login → POST /api/auth/wechat/login → the pair in storage. Calls made meanwhile share it. */
  function login() {
    if (!loginInFlight) {
      loginInFlight = runLogin().then(
        function (pair) {
          loginInFlight = null;
          return pair;
        },
        function (err) {
          loginInFlight = null;
          throw err;
        },
      );
    }
    return loginInFlight;
  }

  // ---- refresh ------------------------------------------------------------------------------

  /**
   * Waits until the stored pair is no longer the one with `oldRefreshToken` (another copy of
   * the kit, or whoever won REFRESH_IN_PROGRESS, stored its new pair). With `leased`, a lease
   * that ends without a new pair means that refresh failed: answer 'retry'. Past refreshWaitMs
   * nobody is coming: log in.
   */
  async function waitForNewPair(oldRefreshToken, leased) {
    var deadline = Date.now() + refreshWaitMs;
    for (;;) {
      var current = readPair();
      if (current && current.refreshToken !== oldRefreshToken) return 'adopted';
      var held = leaseHeldFor(oldRefreshToken);
      if (!current && !held) {
        await login();
        return 'relogged';
      }
      if (leased && !held) return 'retry';
      if (Date.now() >= deadline) {
        clearPair(oldRefreshToken);
        await login();
        return 'relogged';
      }
      await sleep(LEASE_POLL_MS);
    }
  }

  async function runRefresh() {
    for (var turn = 0; ; turn++) {
      var pair = readPair();
      if (!pair) {
        await login();
        return 'relogged';
      }
      if (leaseHeldFor(pair.refreshToken)) {
        var outcome = await waitForNewPair(pair.refreshToken, true);
        if (outcome !== 'retry' || turn > 0) return outcome === 'retry' ? 'adopted' : outcome;
        continue;
      }
      return spend(pair);
    }
  }

  /** POST /api/auth/refresh with the stored refresh token, under the lease. */
  async function spend(pair) {
    var startedIn = epoch;
    takeLease(pair.refreshToken);
    try {
      var res = await send({ method: 'POST', url: '/api/auth/refresh', data: { refreshToken: pair.refreshToken } });
      if (isOk(res)) {
        if (startedIn === epoch) savePair(res.data);
        return 'refreshed';
      }
      var err = toError(res);
      if (err.code === 'REFRESH_IN_PROGRESS') {
        // Someone else is spending this very token right now: their pair is the good one. The
        // lease stays ours meanwhile, so the other copies here wait too instead of spending it.
        return await waitForNewPair(pair.refreshToken, false);
      }
      if (err.code === 'USER_DISABLED') {
        clearPair();
        throw err;
      }
      if (err.statusCode === 401) {
        // REFRESH_TOKEN_INVALID / REUSED: the session is over. Unless another copy already
        // stored a newer pair, start again from wx.login, once.
        var current = readPair();
        if (current && current.refreshToken !== pair.refreshToken) return 'adopted';
        clearPair(pair.refreshToken);
        await login();
        return 'relogged';
      }
      throw err; // no answer or a 5xx: keep the pair, the next call tries again
    } finally {
      releaseLease(pair.refreshToken);
    }
  }

  /** One refresh for every request of this kit that needs it now. */
  function refreshSession() {
    if (!refreshInFlight) {
      refreshInFlight = runRefresh().then(
        function (outcome) {
          refreshInFlight = null;
          return outcome;
        },
        function (err) {
          refreshInFlight = null;
          throw err;
        },
      );
    }
    return refreshInFlight;
  }

  // ---- authorised calls ---------------------------------------------------------------------

  async function storedOrLogin() {
    var pair = readPair();
    if (pair) return pair;
    if (!autoLogin) throw kitError('NOT_LOGGED_IN', 'Not logged in: call login() first');
    await login();
    pair = readPair();
    if (!pair) throw kitError('NOT_LOGGED_IN', 'Logged out meanwhile');
    return pair;
  }

  /**
   * Runs `perform(accessToken)` with the stored token and applies the rules: 401 with a newer
   * token stored → replay with it; TOKEN_EXPIRED → one shared refresh, replay once; any other
   * 401, or a failed refresh → log in from scratch once; USER_DISABLED → clear and stop;
   * rate limits and WeChat outages → back off and retry, a few times.
   */
  async function authorized(perform) {
    var token = (await storedOrLogin()).accessToken;
    var refreshed = false;
    var relogged = false;
    var newerReplays = 0;
    for (var attempt = 1; ; ) {
      var res = await perform(token);
      if (isOk(res)) return res.data;
      var err = toError(res);
      if (res.statusCode === 401) {
        var current = readPair();
        if (current && current.accessToken !== token && newerReplays < 3) {
          newerReplays++;
          token = current.accessToken;
          continue;
        }
        if (err.code === 'TOKEN_EXPIRED' && !refreshed) {
          refreshed = true;
          if ((await refreshSession()) === 'relogged') relogged = true;
        } else if (!relogged) {
          relogged = true;
          clearPair(current ? current.refreshToken : undefined);
          await login();
        } else {
          throw err;
        }
        token = (await storedOrLogin()).accessToken;
        continue;
      }
      if (err.code === 'USER_DISABLED') {
        clearPair();
        throw err;
      }
      if (await backedOff(err, attempt)) {
        attempt++;
        continue;
      }
      throw err;
    }
  }

  /** Any API call with the bearer token: `{url, method, data, header, timeout}` → the answer's body. */
  function request(req) {
    return authorized(function (token) {
      return send(req, token);
    });
  }

  /** wx.uploadFile with the bearer token: `{url, filePath, name, formData, header}` → the answer's body. */
  function upload(req) {
    return authorized(function (token) {
      return sendUpload(req, token);
    });
  }

  // ---- WeChat open data (encryptedData + iv) --------------------------------------------------

  function checkSession() {
    return new Promise(function (resolve) {
      wx.checkSession({
        success: function () {
          resolve(true);
        },
        fail: function () {
          resolve(false);
        },
      });
    });
  }

  /**
   * encryptedData is sealed with the session_key of the latest wx.login, and the server opens
   * it with the one of the latest login here. When they differ (SESSION_KEY_STALE) the kit
   * logs in so they agree again, and the caller must ask WeChat for fresh data.
   */
  async function postOpenData(url, data) {
    if (!readPair() || !(await checkSession())) {
      // Logging in now calls wx.login, which would make this data stale anyway.
      await login();
      throw kitError('SESSION_KEY_STALE', 'Logged in again: ask WeChat for fresh encrypted data and retry', { needsFreshData: true });
    }
    var loginsBefore = wxLogins;
    try {
      return await request({ method: 'POST', url: url, data: data });
    } catch (err) {
      if (err.code === 'SESSION_KEY_STALE') {
        // If this call already logged in (after the data was sealed), the keys agree now.
        if (wxLogins === loginsBefore) await login();
        err.needsFreshData = true;
      }
      throw err;
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  return {
    login: login,
    request: request,
    upload: upload,

    /** Logs in unless a pair is stored and WeChat's session (wx.checkSession) is still valid. Call it in App.onLaunch. */
    ensureSession: async function () {
      if (readPair() && (await checkSession())) return;
      await login();
    },

    isLoggedIn: function () {
      return readPair() !== null;
    },

    getMe: function () {
      return request({ url: '/api/users/me' });
    },

    /** wx.request has no PATCH, so the partial update goes as PUT (the server takes both). */
    updateMe: function (patch) {
      return request({ method: 'PUT', url: '/api/users/me', data: patch });
    },

    /** The temp file of `<button open-type="chooseAvatar">` → the User with its new avatarUrl. */
    uploadAvatar: function (tempFilePath) {
      return upload({ url: '/api/users/me/avatar', filePath: tempFilePath, name: 'file' });
    },

    /** `e.detail` of `<button open-type="getPhoneNumber">`: the phone code (current) or encryptedData + iv (older). */
    bindPhone: function (detail) {
      var d = detail || {};
      if (d.code) return request({ method: 'POST', url: '/api/users/me/phone', data: { code: d.code } });
      if (d.encryptedData && d.iv) return postOpenData('/api/users/me/phone', { encryptedData: d.encryptedData, iv: d.iv });
      return Promise.reject(kitError('USER_DENIED', d.errMsg || 'The user did not share a phone number'));
    },

    /** `{encryptedData, iv, rawData?, signature?}` from WeChat → the User with the profile filled. */
    decryptProfile: function (detail) {
      var d = detail || {};
      if (!d.encryptedData || !d.iv) return Promise.reject(kitError('USER_DENIED', d.errMsg || 'No encrypted profile data'));
      var body = { encryptedData: d.encryptedData, iv: d.iv };
      if (d.rawData && d.signature) {
        body.rawData = d.rawData;
        body.signature = d.signature;
      }
      return postOpenData('/api/users/me/wechat-profile', body);
    },

    /** `{search, category, onSale, minPrice, maxPrice, ordering, pageSize, cursor}` → one page; pass nextCursor back as cursor. */
    listGoods: function (query) {
      return request({ url: '/api/goods', data: query });
    },

    getGoods: function (id) {
      return request({ url: '/api/goods/' + encodeURIComponent(id) });
    },

    /** Forgets the pair here at once, then revokes the session at the server. */
    logout: async function () {
      epoch++;
      var pair = readPair();
      clearPair();
      if (!pair) return;
      var res = await send({ method: 'POST', url: '/api/auth/logout', data: { refreshToken: pair.refreshToken } });
      if (!isOk(res)) throw toError(res);
    },
  };
}

module.exports = { createApi: createApi, ApiError: ApiError, version: KIT_VERSION };
