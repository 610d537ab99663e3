var logic = require('./logic');
var messageOf = require('../../utils/messages').messageOf;

Page({
  data: logic.initialData(),

  onLoad: function (options) {
    var page = this;
    page.goodsId = logic.idFromQuery(options);
    return getApp().ready.then(function () {
      return logic.loadGoods(page, getApp().api, page.goodsId, messageOf);
    });
  },

  onRetry: function () {
    return logic.loadGoods(this, getApp().api, this.goodsId, messageOf);
  },

  onPreview: function (e) {
    wx.previewImage({ urls: this.data.goods.images, current: e.currentTarget.dataset.src });
  },
});
