var logic = require('./logic');
var messageOf = require('../../utils/messages').messageOf;

Page({
  data: logic.initialData(),

  onLoad: function () {
    this.profile = logic.createProfile(this, getApp().api, messageOf);
  },

  onShow: function () {
    var page = this;
    return getApp().ready.then(function () {
      return page.profile.load();
    });
  },

  onLogin: function () {
    return this.profile.login();
  },

  onChooseAvatar: function (e) {
    return this.profile.chooseAvatar(e.detail);
  },

  onNicknameBlur: function (e) {
    return this.profile.saveNickname(e.detail.value);
  },

  onGetPhoneNumber: function (e) {
    return this.profile.bindPhone(e.detail);
  },

  onLogout: function () {
    return this.profile.logout().then(function () {
      wx.showToast({ title: '已退出登录', icon: 'none' });
    });
  },
});
