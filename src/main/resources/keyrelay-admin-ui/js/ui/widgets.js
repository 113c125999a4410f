// Small building blocks shared by the pages.
import { h, uid } from '../dom.js';
import { t, formatNumber } from '../i18n.js';

const KEY_STATUS_LABELS = {
  healthy: 'statusHealthy',
  rate_limited: 'statusRateLimited',
  using_failover: 'statusUsingFailover',
  exhausted: 'statusExhausted',
  error: 'statusError',
};

/** A coloured badge for a pool key's status; using_failover is orange. Unknown statuses show as they are. */
export function statusBadge(status) {
  const labelKey = KEY_STATUS_LABELS[status];
  return h('span', { class: ['badge', `badge-${labelKey ? status : 'unknown'}`], dataset: { status } },
    labelKey ? t(labelKey) : String(status));
}

/** A badge for any two-state value, e.g. available/used or enabled/disabled. */
export function stateBadge(tone, label) {
  return h('span', { class: ['badge', `badge-${tone}`] }, label);
}

/**
 * An on/off switch: a button with role=switch and aria-checked, worked with click, Space or Enter.
 * onToggle(next) runs the change; the switch stays busy until it settles.
 */
export function failoverSwitch({ checked, label, focusId, compact = false, onToggle }) {
  const text = h('span', { class: 'switch-text', text: t(checked ? 'failoverEnabled' : 'failoverDisabled') });
  const button = h('button', {
    type: 'button',
    role: 'switch',
    class: ['switch', compact && 'switch-compact'],
    'aria-checked': String(checked),
    'aria-label': label,
    dataset: { focus: focusId, state: checked ? 'on' : 'off' },
  }, h('span', { class: 'switch-track', 'aria-hidden': 'true' }, h('span', { class: 'switch-thumb' })), text);
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    try {
      await onToggle(!checked);
    } finally {
      button.removeAttribute('aria-busy');
    }
  });
  return button;
}

/** The failover setting as a read-only indicator, for the mobile cards. */
export function failoverIndicator(enabled) {
  return h('span', { class: ['failover-indicator', enabled ? 'is-on' : 'is-off'], dataset: { state: enabled ? 'on' : 'off' } },
    h('span', { class: 'failover-indicator-dot', 'aria-hidden': 'true' }),
    t(enabled ? 'failoverEnabled' : 'failoverDisabled'));
}

/** A row of stat cards: [{ id, label, value, tone }]. */
export function statCards(cards) {
  return h('section', { class: 'stats', 'aria-label': t('statsLabel') },
    cards.map((card) => h('div', { class: ['stat', `stat-${card.tone}`], dataset: { stat: card.id } },
      h('span', { class: 'stat-label', text: card.label }),
      h('span', { class: 'stat-value', text: formatNumber(card.value ?? 0) }))));
}

/** The page title bar with its actions and the "updated at" line. */
export function pageHeader(title, subtitle, actions, status) {
  return h('div', { class: 'page-header' },
    h('div', { class: 'page-heading' }, h('h1', { text: title }), h('p', { class: 'page-subtitle', text: subtitle })),
    h('div', { class: 'page-actions' }, actions),
    status);
}

export function button(label, { variant = 'secondary', small = false, onclick, focusId, ariaLabel, action } = {}) {
  return h('button', {
    type: 'button',
    class: ['btn', `btn-${variant}`, small && 'btn-small'],
    onclick,
    'aria-label': ariaLabel,
    dataset: { focus: focusId, action },
  }, label);
}

/** A labelled text input; returns { field, input }. */
export function textField({ label, name, type = 'text', required = false, maxlength, min, value, hint, autocomplete = 'off', mono = false }) {
  const inputId = uid(name);
  const hintId = hint ? uid(`${name}-hint`) : undefined;
  const input = h('input', {
    id: inputId, name, type, required, maxlength, min, value, autocomplete,
    spellcheck: 'false', class: ['input', mono && 'mono'], 'aria-describedby': hintId,
  });
  const field = h('div', { class: 'field' },
    h('label', { for: inputId, text: label }), input,
    hint && h('p', { id: hintId, class: 'field-hint', text: hint }));
  return { field, input };
}

/** A labelled checkbox, unchecked unless told otherwise; returns { field, input }. */
export function checkboxField({ label, name, hint, checked = false }) {
  const inputId = uid(name);
  const hintId = hint ? uid(`${name}-hint`) : undefined;
  const input = h('input', { id: inputId, name, type: 'checkbox', checked, 'aria-describedby': hintId });
  const field = h('div', { class: ['field', 'field-check'] },
    input,
    h('div', {}, h('label', { for: inputId, text: label }), hint && h('p', { id: hintId, class: 'field-hint', text: hint })));
  return { field, input };
}

/** Says why a request failed, in the current language; server validation details are appended as sent. */
export function describeError(error) {
  const status = error && error.status;
  if (status === 0 || status === undefined) return t('errorNetwork');
  if (status === 400) {
    const details = (error.body && Array.isArray(error.body.details) ? error.body.details : [])
      .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).filter(Boolean);
    return details.length ? `${t('errorInvalid')} ${details.join('; ')}` : t('errorInvalid');
  }
  if (status === 401) return t('errorSessionExpired');
  if (status === 403) return t('errorForbidden');
  if (status === 404) return t('errorNotFound');
  if (status === 409) return t('errorConflict', { message: (error.body && error.body.error) || '' });
  if (status === 413) return t('errorTooLarge');
  if (status === 503) return t('errorUnavailable');
  return t('errorStatus', { status });
}

/** A table whose wrapper is shown on wide screens; columns: [{ label, className }]. */
export function dataTable(caption, columns, rows) {
  return h('div', { class: ['table-wrap', 'desktop-only'] },
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden', text: caption }),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.className, text: c.label })))),
      h('tbody', {}, rows)));
}

/** Shown instead of a table when there is nothing to list. */
export function emptyState(message, action) {
  return h('div', { class: 'empty' }, h('p', { text: message }), action);
}

/** Label/value pair inside a mobile card. */
export function cardRow(label, ...value) {
  return h('div', { class: 'card-row' }, h('span', { class: 'card-label', text: label }), h('span', { class: 'card-value' }, value));
}
