// Sign-in with the admin token; the server answers with an HttpOnly session cookie.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { whileBusy } from '../ui/modal.js';
import { textField, describeError } from '../ui/widgets.js';

export const titleKey = 'signInTitle';

/** expired: the previous session ran out; onSignedIn: called after the cookie is set. */
export function create({ expired, onSignedIn }) {
  const element = h('div', { class: 'sign-in' });
  let tokenValue = '';

  function render(first = false) {
    const token = textField({ label: t('adminTokenLabel'), name: 'token', type: 'password', required: true, autocomplete: 'current-password', hint: t('adminTokenHint') });
    token.input.value = tokenValue;
    token.input.addEventListener('input', () => { tokenValue = token.input.value; });
    const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: ['btn', 'btn-primary', 'btn-block'], text: t('signIn') });
    const form = h('form', { class: 'sign-in-card', novalidate: true },
      h('img', { src: 'favicon.svg', alt: '', width: 44, height: 44, class: 'sign-in-logo' }),
      h('h1', { text: t('signInTitle') }),
      h('p', { class: 'page-subtitle', text: t('signInSubtitle') }),
      expired && h('p', { class: 'notice', text: t('sessionExpired') }),
      token.field, error, submit);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      whileBusy(submit, async () => {
        const value = token.input.value.trim();
        if (!value) {
          showError(t('errorRequired'));
          return;
        }
        try {
          await api.signIn(value);
          tokenValue = '';
          onSignedIn();
        } catch (e) {
          showError(e.status === 401 || e.status === 403 ? t('invalidToken') : describeError(e));
          token.input.focus();
          token.input.select();
        }
      });
    });
    function showError(message) {
      error.textContent = message;
      error.hidden = false;
    }
    element.replaceChildren(form);
    // the page is attached after create() returns
    if (first) requestAnimationFrame(() => token.input.focus());
  }

  render(true);
  return { element, render: () => render(false), reload: async () => {} };
}
