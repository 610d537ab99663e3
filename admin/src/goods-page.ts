/** The catalogue: filters, ordering, cursor paging, and delete. */
import { ApiError } from './api.js';
import { confirmDialog, errorBox, field, h, input, notify, replace, select } from './dom.js';
import { formatPrice, formatTime, formatTotal } from './format.js';
import type { PageContext } from './main.js';
import type { Goods, GoodsList } from './types.js';

export interface GoodsFilters {
  search: string;
  category: string;
  onSale: '' | 'true' | 'false';
  minPrice: string;
  maxPrice: string;
  ordering: string;
  pageSize: string;
}

const EMPTY: GoodsFilters = { search: '', category: '', onSale: '', minPrice: '', maxPrice: '', ordering: '-createdAt', pageSize: '20' };

const ORDERINGS: [string, string][] = [
  ['-createdAt', 'Newest first'],
  ['createdAt', 'Oldest first'],
  ['price', 'Price, low to high'],
  ['-price', 'Price, high to low'],
  ['name', 'Name, A to Z'],
  ['-name', 'Name, Z to A'],
  ['stock', 'Stock, low to high'],
  ['-stock', 'Stock, high to low'],
];

/** Kept while the console is open, so coming back from a form shows the same list. */
const state = { filters: { ...EMPTY }, cursors: [] as (string | null)[] };

export async function goodsListPage(ctx: PageContext): Promise<void> {
  document.title = 'Goods · wxmall staff console';
  const f = state.filters;
  const search = field('Search name', input({ type: 'search', name: 'search', value: f.search, maxlength: 100 }));
  const category = field('Category', input({ name: 'category', value: f.category, maxlength: 50 }));
  const onSale = field('On sale', select([['', 'Any'], ['true', 'On sale'], ['false', 'Not on sale']], { name: 'onSale', value: f.onSale }));
  const minPrice = field('Min price (¥)', input({ name: 'minPrice', inputmode: 'decimal', value: f.minPrice, size: 8 }));
  const maxPrice = field('Max price (¥)', input({ name: 'maxPrice', inputmode: 'decimal', value: f.maxPrice, size: 8 }));
  const ordering = field('Order by', select(ORDERINGS, { name: 'ordering', value: f.ordering }));
  const pageSize = field('Per page', select([['20', '20'], ['50', '50'], ['100', '100']], { name: 'pageSize', value: f.pageSize }));
  const filterFields = { search, category, onSale, minPrice, maxPrice, ordering, pageSize };
  const clear = h('button', { type: 'button', class: 'button subtle' }, 'Clear');
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter goods' },
    Object.values(filterFields).map((x) => x.wrapper),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Apply'), clear),
  );
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const results = h('div', { class: 'results' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  replace(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Goods'), h('a', { href: '#/goods/new', class: 'button primary' }, 'New product')),
    form,
    summary,
    results,
    pager,
  );

  const readFilters = (): GoodsFilters => ({
    search: search.control.value.trim(),
    category: category.control.value.trim(),
    onSale: onSale.control.value as GoodsFilters['onSale'],
    minPrice: minPrice.control.value.trim(),
    maxPrice: maxPrice.control.value.trim(),
    ordering: ordering.control.value,
    pageSize: pageSize.control.value,
  });

  const load = async () => {
    const cursor = state.cursors[state.cursors.length - 1] ?? null;
    results.setAttribute('aria-busy', 'true');
    replace(results, h('p', { class: 'loading' }, 'Loading goods…'));
    replace(pager);
    for (const x of Object.values(filterFields)) x.setError([]);
    let list: GoodsList;
    try {
      const { body } = await ctx.api.request<GoodsList>('GET', '/api/goods', {
        query: {
          search: state.filters.search,
          category: state.filters.category,
          onSale: state.filters.onSale,
          minPrice: state.filters.minPrice,
          maxPrice: state.filters.maxPrice,
          ordering: state.filters.ordering === '-createdAt' ? undefined : state.filters.ordering,
          pageSize: state.filters.pageSize,
          cursor: cursor ?? undefined,
        },
      });
      list = body;
    } catch (err) {
      if (ctx.left()) return;
      results.removeAttribute('aria-busy');
      if (err instanceof ApiError && err.code === 'CURSOR_INVALID') state.cursors = [];
      // A bad filter value: say so at its field.
      if (err instanceof ApiError && err.status === 400) {
        for (const [name, x] of Object.entries(filterFields)) x.setError(err.messages.filter((m) => m.startsWith(`${name} `)));
      }
      replace(results, errorBox(err));
      replace(summary);
      return;
    }
    if (ctx.left()) return;
    results.removeAttribute('aria-busy');
    const first = (state.cursors.length - 1) * Number(state.filters.pageSize) + 1;
    summary.textContent =
      list.items.length === 0
        ? ''
        : `Showing ${first.toLocaleString('en-US')}–${(first + list.items.length - 1).toLocaleString('en-US')} of ${formatTotal(list.total, list.totalExact)} goods`;
    if (list.items.length === 0) {
      const filtered = Object.entries(state.filters).some(([k, v]) => v !== EMPTY[k as keyof GoodsFilters]);
      replace(
        results,
        h(
          'div',
          { class: 'empty' },
          h('p', {}, filtered ? 'No goods match these filters.' : 'There are no goods yet.'),
          h('a', { href: '#/goods/new', class: 'button' }, 'Add a product'),
        ),
      );
    } else {
      replace(results, goodsTable(ctx, list.items, load));
    }
    const previous = h('button', { type: 'button', class: 'button', disabled: state.cursors.length <= 1 }, '← Previous');
    const next = h('button', { type: 'button', class: 'button', disabled: !list.nextCursor }, 'Next →');
    previous.addEventListener('click', () => {
      state.cursors.pop();
      void load().then(() => summary.focus());
    });
    next.addEventListener('click', () => {
      state.cursors.push(list.nextCursor);
      void load().then(() => summary.focus());
    });
    summary.tabIndex = -1;
    replace(pager, previous, h('span', { class: 'page-number' }, `Page ${state.cursors.length}`), next);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = readFilters();
    state.cursors = [null];
    void load();
  });
  clear.addEventListener('click', () => {
    state.filters = { ...EMPTY };
    state.cursors = [null];
    void goodsListPage(ctx);
  });

  if (state.cursors.length === 0) state.cursors = [null];
  await load();
}

function goodsTable(ctx: PageContext, items: Goods[], reload: () => Promise<void>): HTMLElement {
  const rows = items.map((goods) => {
    const remove = h('button', { type: 'button', class: 'button danger small', 'aria-label': `Delete ${goods.name}` }, 'Delete');
    remove.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: 'Delete this product?',
        message: `“${goods.name}” will be removed from the catalogue. This cannot be undone.`,
        confirm: 'Delete',
        danger: true,
      });
      if (!ok) {
        remove.focus();
        return;
      }
      remove.disabled = true;
      try {
        await ctx.api.request('DELETE', `/api/goods/${goods.id}`);
        notify(`Deleted “${goods.name}”.`);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'GOODS_NOT_FOUND')) {
          remove.disabled = false;
          remove.closest('tr')?.after(h('tr', { class: 'row-error' }, h('td', { colspan: 8 }, errorBox(err))));
          return;
        }
        notify(`“${goods.name}” was already deleted.`);
      }
      await reload();
    });
    return h(
      'tr',
      {},
      h('td', { class: 'thumb' }, goods.imageUrl ? h('img', { src: goods.imageUrl, alt: '', loading: 'lazy', width: 48, height: 48 }) : h('span', { class: 'no-image', 'aria-hidden': 'true' }, '—')),
      h('td', {}, h('a', { href: `#/goods/${goods.id}` }, goods.name)),
      h('td', { class: 'num' }, formatPrice(goods.price)),
      h('td', { class: 'num' }, goods.stock.toLocaleString('en-US')),
      h('td', {}, goods.category ?? ''),
      h('td', {}, goods.onSale ? h('span', { class: 'badge on' }, 'On sale') : h('span', { class: 'badge off' }, 'Not on sale')),
      h('td', { class: 'nowrap' }, formatTime(goods.updatedAt)),
      h('td', { class: 'row-actions' }, h('a', { href: `#/goods/${goods.id}`, class: 'button small', 'aria-label': `Edit ${goods.name}` }, 'Edit'), remove),
    );
  });
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Goods'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Image')),
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col', class: 'num' }, 'Price'),
          h('th', { scope: 'col', class: 'num' }, 'Stock'),
          h('th', { scope: 'col' }, 'Category'),
          h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Updated'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}
