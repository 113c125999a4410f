// Short notices in the corner. Errors are announced at once (role=alert), successes politely.
import { h } from '../dom.js';
import { t } from '../i18n.js';

const SUCCESS_MS = 4000;
const ERROR_MS = 8000;

function show(kind, message) {
  const region = document.getElementById('toasts');
  const close = () => item.remove();
  const item = h('div', { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'toast-message', text: message }),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('dismiss'), onclick: close }));
  region.append(item);
  setTimeout(close, kind === 'error' ? ERROR_MS : SUCCESS_MS);
}

export const toast = {
  success: (message) => show('success', message),
  error: (message) => show('error', message),
};
