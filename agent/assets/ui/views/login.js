// Sign in: the same password check and throttling as `p2pctl login`; the token stays in
// an HttpOnly cookie the page never sees.

import { h } from '../dom.js';
import { post } from '../api.js';

export function mount(main, { signedIn }, message) {
  const error = h('p', { class: 'error', role: 'alert' });
  const user = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary', text: 'Sign in' });
  const form = h(
    'form',
    { class: 'login card', id: 'login' },
    h('h1', { text: 'Sign in to p2p-core' }),
    message ? h('p', { class: 'notice', role: 'status', id: 'login-message', text: message }) : null,
    h('label', { for: 'user', text: 'User' }),
    user,
    h('label', { for: 'password', text: 'Password' }),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const who = await post('/ui/login', { user: user.value, password: password.value }, { expect401: true });
      password.value = '';
      signedIn(who);
    } catch (err) {
      error.textContent = err.status === 401
        ? 'Wrong user or password.'
        : err.status === 429
          ? `Too many attempts: ${err.message}`
          : err.message;
      submit.disabled = false;
      password.select();
    }
  });
  main.append(form);
  user.focus();
  return {};
}
