/** Admins: the audit log of staff writes (GET /api/audit), newest first. */
import { ApiError } from './api.js';
import { errorBox, field, h, input, replace, select } from './dom.js';
import { formatTime, formatValue } from './format.js';
import type { PageContext } from './main.js';
import type { AuditEntry, AuditList } from './types.js';

const ACTIONS: [string, string][] = [
  ['goods.create', 'Product created'],
  ['goods.update', 'Product changed'],
  ['goods.delete', 'Product deleted'],
  ['user.create', 'Account created'],
  ['user.role', 'Role changed'],
  ['user.disable', 'Account disabled'],
  ['user.enable', 'Account enabled'],
];
const ACTION_LABELS = Object.fromEntries(ACTIONS);

const state = { actor: '', action: '', targetType: '', targetId: '', from: '', to: '', cursors: [null] as (string | null)[] };

/** A datetime-local value (the browser's time zone) as an ISO instant. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

export async function auditPage(ctx: PageContext): Promise<void> {
  document.title = 'Audit log · wxmall staff console';
  const fields = {
    actor: field('Actor (user id)', input({ name: 'actor', value: state.actor, spellcheck: 'false' })),
    action: field('Action', select([['', 'Any'], ...ACTIONS], { name: 'action', value: state.action })),
    targetType: field('Target', select([['', 'Any'], ['goods', 'Goods'], ['user', 'Accounts']], { name: 'targetType', value: state.targetType })),
    targetId: field('Target id', input({ name: 'targetId', value: state.targetId, spellcheck: 'false' })),
    from: field('From', input({ type: 'datetime-local', name: 'from', value: state.from })),
    to: field('Until', input({ type: 'datetime-local', name: 'to', value: state.to })),
  };
  const clear = h('button', { type: 'button', class: 'button subtle' }, 'Clear');
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log' },
    Object.values(fields).map((f) => f.wrapper),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Apply'), clear),
  );
  const results = h('div', { class: 'results' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const summary = h('p', { class: 'summary', 'aria-live': 'polite', tabindex: -1 });
  replace(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Audit log')),
    h('p', { class: 'muted' }, 'Every change made by staff and admins: who, what, when, and the values before and after.'),
    form,
    summary,
    results,
    pager,
  );

  async function load(): Promise<void> {
    results.setAttribute('aria-busy', 'true');
    replace(results, h('p', { class: 'loading' }, 'Loading the audit log…'));
    replace(pager);
    for (const f of Object.values(fields)) f.setError([]);
    let list: AuditList;
    try {
      list = (
        await ctx.api.request<AuditList>('GET', '/api/audit', {
          query: {
            actor: state.actor,
            action: state.action,
            targetType: state.targetType,
            targetId: state.targetId,
            from: instant(state.from),
            to: instant(state.to),
            pageSize: 50,
            cursor: state.cursors[state.cursors.length - 1] ?? undefined,
          },
        })
      ).body;
    } catch (err) {
      if (ctx.left()) return;
      results.removeAttribute('aria-busy');
      if (err instanceof ApiError && err.status === 400) {
        for (const [name, f] of Object.entries(fields)) f.setError(err.messages.filter((m) => m.startsWith(`${name} `)));
      }
      if (err instanceof ApiError && err.code === 'CURSOR_INVALID') state.cursors = [null];
      replace(results, errorBox(err));
      return;
    }
    if (ctx.left()) return;
    results.removeAttribute('aria-busy');
    summary.textContent = list.items.length === 0 ? '' : `Page ${state.cursors.length}, newest first`;
    replace(results, list.items.length === 0 ? h('p', { class: 'empty' }, 'No entries match.') : auditTable(ctx, list.items));
    const newer = h('button', { type: 'button', class: 'button', disabled: state.cursors.length <= 1 }, '← Newer');
    const older = h('button', { type: 'button', class: 'button', disabled: !list.nextCursor }, 'Older →');
    newer.addEventListener('click', () => {
      state.cursors.pop();
      void load().then(() => summary.focus());
    });
    older.addEventListener('click', () => {
      state.cursors.push(list.nextCursor);
      void load().then(() => summary.focus());
    });
    replace(pager, newer, older);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.actor = fields.actor.control.value.trim();
    state.action = fields.action.control.value;
    state.targetType = fields.targetType.control.value;
    state.targetId = fields.targetId.control.value.trim();
    state.from = fields.from.control.value;
    state.to = fields.to.control.value;
    state.cursors = [null];
    void load();
  });
  clear.addEventListener('click', () => {
    Object.assign(state, { actor: '', action: '', targetType: '', targetId: '', from: '', to: '', cursors: [null] });
    void auditPage(ctx);
  });
  await load();
}

/** Ids are long: the first 8 characters, the whole id on hover and for screen readers. */
function shortId(id: string): HTMLElement {
  return h('span', { title: id, 'aria-label': id }, `${id.slice(0, 8)}…`);
}

function auditTable(ctx: PageContext, entries: AuditEntry[]): HTMLElement {
  const rows = entries.map((entry) =>
    h(
      'tr',
      {},
      h('td', { class: 'nowrap' }, h('time', { datetime: entry.at }, formatTime(entry.at))),
      h('td', { class: 'mono' }, entry.actorId === null ? 'system' : entry.actorId === ctx.user.id ? 'you' : shortId(entry.actorId)),
      h('td', {}, ACTION_LABELS[entry.action] ?? entry.action),
      h(
        'td',
        { class: 'mono' },
        entry.targetType === 'goods' && entry.action !== 'goods.delete'
          ? h('a', { href: `#/goods/${entry.targetId}`, title: entry.targetId }, `goods ${entry.targetId.slice(0, 8)}`)
          : [`${entry.targetType} `, shortId(entry.targetId)],
      ),
      h(
        'td',
        {},
        h(
          'dl',
          { class: 'changes' },
          Object.entries(entry.changes).map(([name, [before, after]]) => [
            h('dt', {}, name),
            h('dd', {}, h('span', { class: 'before' }, formatValue(before)), ' → ', h('span', { class: 'after' }, formatValue(after))),
          ]),
        ),
      ),
      h('td', { class: 'mono small' }, entry.requestId ?? ''),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Audit log'),
      h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'Target', 'Changes', 'Request id'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows),
    ),
  );
}
