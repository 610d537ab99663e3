// The goods page's behaviour as plain functions (tested in Node through a wx shim).
'use strict';

var formatPrice = require('../goods-list/logic').formatPrice;

function initialData() {
  return { loading: true, goods: null, notFound: false, error: '' };
}

/** The cover first, then the gallery (`images`, when the server sends it), without repeats. */
function galleryOf(goods) {
  var images = Array.isArray(goods.images) ? goods.images.slice() : [];
  if (goods.imageUrl && images.indexOf(goods.imageUrl) < 0) images.unshift(goods.imageUrl);
  return images;
}

function toDetail(goods) {
  return {
    id: goods.id,
    name: goods.name,
    description: goods.description || '',
    category: goods.category || '',
    priceText: formatPrice(goods.price),
    stockText: goods.stock > 0 ? '库存 ' + goods.stock : '已售罄',
    onSale: goods.onSale,
    images: galleryOf(goods),
  };
}

/** A page query value: WeChat hands it over still URI-encoded. */
function idFromQuery(options) {
  var raw = options && options.id;
  if (!raw) return '';
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    return raw;
  }
}

/** Loads the goods into the page; an unknown or malformed id shows "not found", anything else a message. */
function loadGoods(page, api, id, messageOf) {
  if (!id) {
    page.setData({ loading: false, notFound: true });
    return Promise.resolve();
  }
  page.setData(initialData());
  return api.getGoods(id).then(
    function (goods) {
      page.setData({ loading: false, goods: toDetail(goods) });
    },
    function (err) {
      if (err.code === 'GOODS_NOT_FOUND' || err.statusCode === 404 || err.statusCode === 400) {
        page.setData({ loading: false, notFound: true });
      } else {
        page.setData({ loading: false, error: messageOf(err) });
      }
    },
  );
}

module.exports = { initialData: initialData, galleryOf: galleryOf, toDetail: toDetail, idFromQuery: idFromQuery, loadGoods: loadGoods };
