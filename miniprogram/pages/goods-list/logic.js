// The goods list's behaviour as plain functions (tested in Node through a wx shim).
'use strict';

var PAGE_SIZE = 20;
var SEARCH_MAX = 100;

function initialData() {
  return { query: '', items: [], nextCursor: null, done: false, loading: false, error: '', empty: false };
}

function formatPrice(price) {
  return '¥' + Number(price).toFixed(2);
}

function toListItem(goods) {
  return {
    id: goods.id,
    name: goods.name,
    priceText: formatPrice(goods.price),
    imageUrl: goods.imageUrl || '',
    soldOut: goods.stock === 0,
    onSale: goods.onSale,
  };
}

/** The GET /api/goods query of the next page, or null when one is loading or the list is complete. */
function nextQuery(data) {
  if (data.loading || data.done) return null;
  var query = { pageSize: PAGE_SIZE };
  if (data.query) query.search = data.query;
  if (data.nextCursor) query.cursor = data.nextCursor;
  return query;
}

/** The list after a page arrived: appended, with its cursor; complete when there is no next one. */
function withPage(data, page) {
  var items = data.items.concat(page.items.map(toListItem));
  return { items: items, nextCursor: page.nextCursor, done: !page.nextCursor, loading: false, error: '', empty: items.length === 0 };
}

function normalizeSearch(text) {
  return Array.from(String(text || '').trim()).slice(0, SEARCH_MAX).join('');
}

/**
 * Binds the list to a page (its `data` and `setData`): the first page, the next one by cursor
 * (infinite scroll), and search. An answer that arrives after a newer search or refresh began
 * is dropped, so results of two searches never mix.
 */
function createGoodsList(page, api, messageOf) {
  var generation = 0;

  function load() {
    var query = nextQuery(page.data);
    if (!query) return Promise.resolve();
    var mine = generation;
    page.setData({ loading: true, error: '' });
    return api.listGoods(query).then(
      function (result) {
        if (mine === generation) page.setData(withPage(page.data, result));
      },
      function (err) {
        if (mine === generation) page.setData({ loading: false, error: messageOf(err) });
      },
    );
  }

  function restart(query) {
    generation++;
    page.setData(Object.assign(initialData(), { query: query }));
    return load();
  }

  return {
    refresh: function () {
      return restart(page.data.query);
    },
    loadMore: load,
    search: function (text) {
      var query = normalizeSearch(text);
      if (query === page.data.query && page.data.items.length > 0) return Promise.resolve();
      return restart(query);
    },
  };
}

module.exports = {
  PAGE_SIZE: PAGE_SIZE,
  initialData: initialData,
  formatPrice: formatPrice,
  nextQuery: nextQuery,
  withPage: withPage,
  normalizeSearch: normalizeSearch,
  createGoodsList: createGoodsList,
};
