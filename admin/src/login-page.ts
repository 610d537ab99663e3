/** Sign in with a staff or admin account (POST /api/auth/token). */
import type { ApiClient } from './api.js';
import { errorBox, field, h, input, replace } from './dom.js';
import type { User } from './types.js';

export function loginPage(api: ApiClient, message: string | null, signedIn: (user: User) => void): HTMLElement {
  const username = field('Username', input({ name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' }));
  const password = field('Password', input({ type: 'password', name: 'password', autocomplete: 'current-password', required: true }));
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const feedback = h('div', { class: 'feedback' }, message && h('p', { class: 'notice info', role: 'status' }, message));
  const form = h(
    'form',
    { class: 'login card', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Staff console'),
    h('p', { class: 'muted' }, 'Sign in with your staff or admin account.'),
    feedback,
    username.wrapper,
    password.wrapper,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = username.control.value.trim();
    const secret = password.control.value;
    username.setError(name ? [] : ['Enter your username.']);
    password.setError(secret ? [] : ['Enter your password.']);
    if (!name || !secret) return;
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    replace(feedback);
    try {
      const user = await api.signIn(name, secret);
      signedIn(user);
    } catch (err) {
      password.control.value = '';
      replace(feedback, errorBox(err));
      submit.disabled = false;
      submit.textContent = 'Sign in';
      (name ? password.control : username.control).focus();
    }
  });
  queueMicrotask(() => username.control.focus());
  return h('div', { class: 'login-page' }, form);
}
