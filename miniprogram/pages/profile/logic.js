// The profile page's behaviour as plain functions (tested in Node through a wx shim).
'use strict';

var NICKNAME_MAX = 50;

function initialData() {
  return { loggedIn: false, user: null, busy: false, message: '' };
}

/** 13800138000 → 138****8000, +85261234567 → +852****4567: the four digits before the last four are hidden. */
function maskPhone(phone) {
  if (!phone) return '';
  return phone.length >= 9 ? phone.slice(0, -8) + '****' + phone.slice(-4) : phone;
}

function toProfile(user) {
  return {
    id: user.id,
    nickname: user.nickname || '',
    avatarUrl: user.avatarUrl || '',
    phone: maskPhone(user.phone),
    hasPhone: !!user.phone,
  };
}

/**
 * What saving the nickname input should do: `{change}` to send, `{error}` to show, or `{}` when
 * there is nothing to save (empty, or the name it already has).
 */
function nicknamePatch(current, input) {
  var nickname = String(input || '').trim();
  if (!nickname || nickname === current) return {};
  if (Array.from(nickname).length > NICKNAME_MAX) return { error: '昵称最多 ' + NICKNAME_MAX + ' 个字' };
  return { change: { nickname: nickname } };
}

/**
 * Binds the profile to a page: shows the user, and saves the avatar (chooseAvatar), the nickname
 * (type="nickname" input), the phone (getPhoneNumber) and logs out or in.
 */
function createProfile(page, api, messageOf) {
  function show(user) {
    page.setData({ loggedIn: true, user: toProfile(user), busy: false, message: '' });
  }

  function fail(err) {
    if (err.code === 'USER_DISABLED') page.setData({ loggedIn: false, user: null });
    page.setData({ busy: false, message: messageOf(err) });
  }

  function busy(promise) {
    page.setData({ busy: true, message: '' });
    return promise;
  }

  return {
    load: function () {
      if (!api.isLoggedIn()) {
        page.setData(initialData());
        return Promise.resolve();
      }
      return api.getMe().then(show, fail);
    },

    login: function () {
      return busy(api.login()).then(function (pair) {
        show(pair.user);
      }, fail);
    },

    chooseAvatar: function (detail) {
      if (!detail || !detail.avatarUrl) return Promise.resolve();
      return busy(api.uploadAvatar(detail.avatarUrl)).then(show, fail);
    },

    saveNickname: function (input) {
      var patch = nicknamePatch(page.data.user ? page.data.user.nickname : '', input);
      if (patch.error) {
        page.setData({ message: patch.error });
        return Promise.resolve();
      }
      if (!patch.change) return Promise.resolve();
      return busy(api.updateMe(patch.change)).then(show, fail);
    },

    bindPhone: function (detail) {
      return busy(api.bindPhone(detail)).then(show, function (err) {
        if (err.needsFreshData) {
          // The kit logged in again; WeChat's next getPhoneNumber data will match.
          page.setData({ busy: false, message: '请再点一次“绑定手机号”' });
        } else if (err.code === 'USER_DENIED') {
          page.setData({ busy: false, message: '未授权手机号' });
        } else {
          fail(err);
        }
      });
    },

    logout: function () {
      return api
        .logout()
        .catch(function () {
          // Logged out here anyway; the session at the server ends when its refresh token expires.
        })
        .then(function () {
          page.setData(initialData());
        });
    },
  };
}

module.exports = { initialData: initialData, maskPhone: maskPhone, toProfile: toProfile, nicknamePatch: nicknamePatch, createProfile: createProfile };
