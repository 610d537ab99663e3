var logic = require('./logic');
var messageOf = require('../../utils/messages').messageOf;

Page({
  data: logic.initialData(),

  onLoad: function () {
    var page = this;
    var app = getApp();
    page.list = logic.createGoodsList(page, app.api, messageOf);
    return app.ready.then(function () {
      return page.list.refresh();
    });
  },

  onPullDownRefresh: function () {
    return this.list.refresh().then(function () {
      wx.stopPullDownRefresh();
    });
  },

  onReachBottom: function () {
    return this.list.loadMore();
  },

  onRetry: function () {
    return this.list.loadMore();
  },

  onSearch: function (e) {
    return this.list.search(e.detail.value);
  },

  onOpen: function (e) {
    wx.navigateTo({ url: '/pages/goods-detail/index?id=' + encodeURIComponent(e.currentTarget.dataset.id) });
  },
});
