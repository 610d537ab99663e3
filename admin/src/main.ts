/** The staff console: sign in, then the goods, users and audit pages (hash routes). */
import { ApiClient, SessionEndedError } from './api.js';
import { auditPage } from './audit-page.js';
import { errorBox, focusHeading, h, notify, replace, takeFlash } from './dom.js';
import { goodsFormPage } from './goods-form.js';
import { goodsListPage } from './goods-page.js';
import { loginPage } from './login-page.js';
import type { User } from './types.js';
import { usersPage } from './users-page.js';

export interface PageContext {
  api: ApiClient;
  user: User;
  /** Where the page draws itself. */
  main: HTMLElement;
  navigate(hash: string): void;
  /** True once the user has moved on: a page drops answers that arrive after that. */
  left(): boolean;
}

const app = document.getElementById('app')!;

const api = new ApiClient({
  fetch: window.fetch.bind(window),
  storage: window.sessionStorage,
  newRequestId: () => crypto.randomUUID(),
  onSessionEnded: () => {
    showLogin('Your session has ended (signed out elsewhere, or the account was changed or disabled). Sign in again.');
  },
});

function showLogin(message?: string): void {
  document.title = 'Sign in · wxmall staff console';
  replace(
    app,
    loginPage(api, message ?? null, (user) => {
      if (!location.hash || location.hash === '#/' || location.hash === '#/login') location.hash = '#/goods';
      render(user);
    }),
  );
}

let navigation = 0;

/** The shell (header, navigation) around the page the hash names. */
function render(user: User): void {
  const id = ++navigation;
  const route = location.hash.replace(/^#/, '') || '/goods';
  const isAdmin = user.role === 'admin';
  const link = (href: string, label: string, active: boolean) =>
    h('a', { href, class: active ? 'nav-link active' : 'nav-link', 'aria-current': active ? 'page' : undefined }, label);
  const main = h('main', { id: 'main', class: 'main' });
  const signOut = h('button', { type: 'button', class: 'button subtle' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    await api.signOut();
    showLogin('You are signed out.');
  });
  replace(
    app,
    h(
      'header',
      { class: 'topbar' },
      h('span', { class: 'brand' }, 'wxmall staff console'),
      h(
        'nav',
        { class: 'nav', 'aria-label': 'Main' },
        link('#/goods', 'Goods', route.startsWith('/goods')),
        isAdmin && link('#/users', 'Users', route.startsWith('/users')),
        isAdmin && link('#/audit', 'Audit log', route.startsWith('/audit')),
      ),
      h('span', { class: 'whoami' }, h('span', { class: 'who' }, user.username ?? user.nickname ?? user.id), h('span', { class: 'role' }, user.role), signOut),
    ),
    h('p', { id: 'notice', class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true }),
    main,
  );
  notify(takeFlash());
  const context: PageContext = {
    api,
    user,
    main,
    navigate: (hash) => {
      if (location.hash === hash) render(user);
      else location.hash = hash;
    },
    left: () => id !== navigation,
  };
  const goodsMatch = /^\/goods\/([0-9a-fA-F-]{36})$/.exec(route);
  let page: Promise<void>;
  if (route === '/goods' || route === '/') page = goodsListPage(context);
  else if (route === '/goods/new') page = goodsFormPage(context, null);
  else if (goodsMatch) page = goodsFormPage(context, goodsMatch[1]);
  else if (route === '/users' && isAdmin) page = usersPage(context);
  else if (route === '/audit' && isAdmin) page = auditPage(context);
  else if (route === '/users' || route === '/audit') page = denied(main, 'Users and the audit log are for admins.');
  else page = denied(main, 'There is no such page.');
  page
    .then(() => {
      if (!context.left()) focusHeading(main);
    })
    .catch((err: unknown) => {
      if (err instanceof SessionEndedError || context.left()) return;
      replace(main, h('h1', {}, 'Something went wrong'), errorBox(err));
    });
}

async function denied(main: HTMLElement, message: string): Promise<void> {
  replace(main, h('h1', {}, 'Not available'), h('p', {}, message), h('p', {}, h('a', { href: '#/goods' }, 'Go to the goods')));
}

window.addEventListener('hashchange', () => {
  if (!location.hash.startsWith('#/')) return;
  if (api.user) render(api.user);
});

async function start(): Promise<void> {
  try {
    const user = await api.resume();
    if (user) {
      render(user);
      return;
    }
  } catch (err) {
    replace(app, h('main', { class: 'main' }, h('h1', {}, 'The console could not start'), errorBox(err)));
    return;
  }
  // A stored session that could not be resumed has already shown the sign-in page, with why.
  if (!app.querySelector('form.login')) showLogin();
}

void start();
