/** Admins: find accounts, create staff accounts, change roles, disable and enable. */
import { ApiError } from './api.js';
import { confirmDialog, errorBox, field, h, input, notify, replace, select } from './dom.js';
import { fieldErrors } from './errors.js';
import { formatTime } from './format.js';
import type { PageContext } from './main.js';
import type { Role, User, UserList } from './types.js';

const ROLE_OPTIONS: [string, string][] = [
  ['user', 'user (mini program)'],
  ['staff', 'staff'],
  ['admin', 'admin'],
];
const state = { search: '', role: '', page: 1 };
const PAGE_SIZE = 20;

export async function usersPage(ctx: PageContext): Promise<void> {
  document.title = 'Users · wxmall staff console';
  const search = field('Search', input({ type: 'search', name: 'search', value: state.search, maxlength: 100 }), 'Nickname, username or openid');
  const role = field('Role', select([['', 'Any'], ...ROLE_OPTIONS], { name: 'role', value: state.role }));
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter users' },
    search.wrapper,
    role.wrapper,
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Apply')),
  );
  const summary = h('p', { class: 'summary', 'aria-live': 'polite', tabindex: -1 });
  const results = h('div', { class: 'results' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  replace(ctx.main, h('div', { class: 'page-head' }, h('h1', {}, 'Users')), createAccountForm(ctx, () => load()), filters, summary, results, pager);

  async function load(): Promise<void> {
    results.setAttribute('aria-busy', 'true');
    replace(results, h('p', { class: 'loading' }, 'Loading accounts…'));
    replace(pager);
    let list: UserList;
    try {
      list = (await ctx.api.request<UserList>('GET', '/api/users', { query: { search: state.search, role: state.role, page: state.page, pageSize: PAGE_SIZE } })).body;
    } catch (err) {
      if (ctx.left()) return;
      results.removeAttribute('aria-busy');
      replace(results, errorBox(err));
      return;
    }
    if (ctx.left()) return;
    results.removeAttribute('aria-busy');
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    summary.textContent = list.total === 0 ? '' : `${list.total.toLocaleString('en-US')} accounts · page ${list.page} of ${pages}`;
    replace(results, list.items.length === 0 ? h('p', { class: 'empty' }, 'No accounts match.') : usersTable(ctx, list.items, load));
    const previous = h('button', { type: 'button', class: 'button', disabled: state.page <= 1 }, '← Previous');
    const next = h('button', { type: 'button', class: 'button', disabled: state.page >= pages }, 'Next →');
    previous.addEventListener('click', () => {
      state.page -= 1;
      void load().then(() => summary.focus());
    });
    next.addEventListener('click', () => {
      state.page += 1;
      void load().then(() => summary.focus());
    });
    replace(pager, previous, h('span', { class: 'page-number' }, `Page ${state.page} of ${pages}`), next);
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    state.search = search.control.value.trim();
    state.role = role.control.value;
    state.page = 1;
    void load();
  });
  await load();
}

function usersTable(ctx: PageContext, users: User[], reload: () => Promise<void>): HTMLElement {
  const rows = users.map((user) => {
    const label = user.username ?? user.nickname ?? user.openid ?? user.id;
    const rowError = h('div', { class: 'row-feedback' });
    const roleSelect = select(ROLE_OPTIONS, { value: user.role, 'aria-label': `Role of ${label}` });
    const changeRole = h('button', { type: 'button', class: 'button small' }, 'Change role');
    const toggle = h('button', { type: 'button', class: user.disabled ? 'button small' : 'button danger small' }, user.disabled ? 'Enable' : 'Disable');
    toggle.setAttribute('aria-label', `${user.disabled ? 'Enable' : 'Disable'} ${label}`);
    const apply = async (change: { role?: Role; disabled?: boolean }, done: string) => {
      replace(rowError);
      changeRole.disabled = toggle.disabled = true;
      try {
        await ctx.api.request<User>('PATCH', `/api/users/${user.id}`, { body: change });
        notify(done);
        await reload();
      } catch (err) {
        changeRole.disabled = toggle.disabled = false;
        roleSelect.value = user.role;
        replace(rowError, errorBox(err));
      }
    };
    changeRole.addEventListener('click', () => {
      if (roleSelect.value === user.role) {
        replace(rowError, h('p', { class: 'muted' }, `${label} is already ${user.role}.`));
        return;
      }
      void apply({ role: roleSelect.value as Role }, `${label} is now ${roleSelect.value}.`);
    });
    toggle.addEventListener('click', async () => {
      if (!user.disabled) {
        const ok = await confirmDialog({
          title: `Disable ${label}?`,
          message: 'The account is signed out everywhere at once and cannot sign in until it is enabled again.',
          confirm: 'Disable',
          danger: true,
        });
        if (!ok) {
          toggle.focus();
          return;
        }
      }
      void apply({ disabled: !user.disabled }, `${label} is ${user.disabled ? 'enabled' : 'disabled'}.`);
    });
    return h(
      'tr',
      { class: user.disabled ? 'disabled' : undefined },
      h('td', {}, h('span', { class: 'strong' }, user.username ?? '—'), user.nickname && h('span', { class: 'muted block' }, user.nickname), rowError),
      h('td', { class: 'mono' }, user.openid ?? ''),
      h('td', {}, h('div', { class: 'inline-control' }, roleSelect, changeRole)),
      h('td', {}, user.disabled ? h('span', { class: 'badge off' }, 'Disabled') : h('span', { class: 'badge on' }, 'Enabled')),
      h('td', { class: 'nowrap' }, formatTime(user.createdAt)),
      h('td', { class: 'row-actions' }, user.id === ctx.user.id ? h('span', { class: 'muted' }, 'you') : null, toggle),
    );
  });
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Accounts'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Account', 'OpenID', 'Role', 'Status', 'Created'].map((t) => h('th', { scope: 'col' }, t)),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

function createAccountForm(ctx: PageContext, created: () => Promise<void>): HTMLElement {
  const labels = { username: 'Username', password: 'Password', role: 'Role', nickname: 'Nickname' };
  const fields = {
    username: field(labels.username, input({ name: 'new-username', autocomplete: 'off', maxlength: 64 }), '3–64 letters, digits or _.@-'),
    password: field(labels.password, input({ type: 'password', name: 'new-password', autocomplete: 'new-password', maxlength: 256 }), 'At least 8 characters'),
    role: field(labels.role, select([['staff', 'staff'], ['admin', 'admin']], { name: 'new-role' })),
    nickname: field(labels.nickname, input({ name: 'new-nickname', maxlength: 50 }), 'Optional'),
  };
  const feedback = h('div', { class: 'feedback' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create account');
  const form = h('form', { class: 'create-account', novalidate: true }, Object.values(fields).map((f) => f.wrapper), h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) f.setError([]);
    replace(feedback);
    const body: Record<string, string> = {
      username: fields.username.control.value.trim(),
      password: fields.password.control.value,
      role: fields.role.control.value,
    };
    if (fields.nickname.control.value.trim()) body.nickname = fields.nickname.control.value.trim();
    submit.disabled = true;
    try {
      const { body: user } = await ctx.api.request<User>('POST', '/api/users', { body });
      form.reset();
      notify(`Created the ${user.role} account ${user.username}.`);
      await created();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const placed = fieldErrors(err.messages, labels);
        for (const [name, messages] of Object.entries(placed.byField)) fields[name as keyof typeof fields].setError(messages);
        if (placed.other.length > 0) replace(feedback, errorBox(new ApiError(400, err.code, placed.other, err.requestId)));
      } else if (err instanceof ApiError && err.code === 'USERNAME_TAKEN') {
        fields.username.setError(['This username is already taken.']);
      } else {
        replace(feedback, errorBox(err));
      }
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'card create-card' }, h('summary', {}, 'Create a staff account'), feedback, form);
}
