// Modal dialogs: focus moves in, Tab cycles inside, Escape closes, the page behind is inert, and focus
// returns to what opened the dialog.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), '
  + 'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

let open = null;

export function isModalOpen() {
  return open !== null;
}

/**
 * Opens a dialog. content: nodes for the body; actions: footer nodes; onSubmit makes the dialog a form whose
 * submit calls it. Returns { close, dialog, body, footer, error(message) }.
 */
export function openModal({ title, content, actions, onSubmit, onClose, wide = false }) {
  if (open) open.close();
  const opener = document.activeElement;
  const titleId = uid('modal-title');
  const errorBox = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const body = h('div', { class: 'modal-body' }, content, errorBox);
  const footer = h('div', { class: 'modal-footer' }, actions);
  const closeButton = h('button', { type: 'button', class: 'modal-close', 'aria-label': t('close') });
  const header = h('div', { class: 'modal-header' }, h('h2', { id: titleId, text: title }), closeButton);
  const inner = onSubmit
    ? h('form', { class: 'modal-form', novalidate: true }, header, body, footer)
    : h('div', { class: 'modal-form' }, header, body, footer);
  const dialog = h('div', {
    class: ['modal', wide && 'modal-wide'], role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId,
  }, inner);
  const overlay = h('div', { class: 'modal-overlay' }, dialog);
  const background = [document.getElementById('topbar'), document.getElementById('main')];

  const handle = {
    dialog,
    body,
    footer,
    error(message) {
      errorBox.textContent = message || '';
      errorBox.hidden = !message;
    },
    close() {
      if (open !== handle) return;
      open = null;
      document.removeEventListener('keydown', onKey, true);
      overlay.remove();
      background.forEach((el) => { el.inert = false; });
      document.body.classList.remove('modal-open');
      if (opener && opener.isConnected) opener.focus();
      else document.getElementById('main').focus();
      if (onClose) onClose();
    },
  };

  function onKey(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      handle.close();
    } else if (event.key === 'Tab') {
      trapTab(event, dialog);
    }
  }

  closeButton.addEventListener('click', () => handle.close());
  overlay.addEventListener('mousedown', (event) => { if (event.target === overlay) handle.close(); });
  if (onSubmit) {
    inner.addEventListener('submit', (event) => {
      event.preventDefault();
      onSubmit(handle);
    });
  }
  document.getElementById('modal-root').append(overlay);
  background.forEach((el) => { el.inert = true; });
  document.body.classList.add('modal-open');
  document.addEventListener('keydown', onKey, true);
  open = handle;
  const first = dialog.querySelector('[autofocus]') || focusables(body)[0] || focusables(dialog)[0];
  (first || dialog).focus();
  return handle;
}

function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => !el.hidden && el.getClientRects().length > 0);
}

function trapTab(event, dialog) {
  const items = focusables(dialog);
  if (items.length === 0) {
    event.preventDefault();
    return;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const inside = dialog.contains(document.activeElement);
  if (event.shiftKey && (document.activeElement === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}

/** Asks before something irreversible; resolves true when confirmed. */
export function confirmAction({ title, message, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (value) => {
      answered = true;
      resolve(value);
      modal.close();
    };
    const cancel = h('button', { type: 'button', class: ['btn', 'btn-secondary'], text: t('cancel'), onclick: () => answer(false) });
    const confirm = h('button', {
      type: 'button', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], text: confirmLabel,
      dataset: { action: 'confirm' }, onclick: () => answer(true),
    });
    const modal = openModal({
      title,
      content: h('p', { class: 'confirm-message', text: message }),
      actions: [cancel, confirm],
      onClose: () => { if (!answered) resolve(false); },
    });
    cancel.focus();
  });
}

/** Marks a form's submit button busy while a request runs, and keeps it from being sent twice. */
export async function whileBusy(button, work) {
  if (button.getAttribute('aria-busy') === 'true') return undefined;
  button.setAttribute('aria-busy', 'true');
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
}
