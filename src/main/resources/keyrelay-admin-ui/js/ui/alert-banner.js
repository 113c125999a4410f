// The low-backup alert banner across the top of every signed-in page: one entry per active alert of
// GET /admin/alerts (docs/operations.md), refreshed with the pages and gone when the alerts clear.
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { t, formatDate, formatNumber } from '../i18n.js';

// most urgent first: a key is already out of service
const URGENCY = ['no_backup_left', 'rotation_burst', 'backup_low'];

let alerts = [];
let snapshot = '[]';
// bumped when the banner is cleared, so that an answer still on its way is not shown on the sign-in page
let generation = 0;

/** Fetches the alert state and re-renders the banner if it changed. A failed fetch keeps what is shown. */
export async function refreshAlerts() {
  const asked = generation;
  let state;
  try {
    state = await api.alerts();
  } catch (error) {
    return; // the page reports failures; the banner tries again at the next refresh
  }
  if (asked !== generation) return;
  const next = state && Array.isArray(state.alerts) ? state.alerts : [];
  const json = JSON.stringify(next);
  if (json === snapshot) return;
  alerts = next;
  snapshot = json;
  renderAlerts();
}

/** Removes the banner, e.g. when signed out. */
export function clearAlerts() {
  generation += 1;
  alerts = [];
  snapshot = '[]';
  renderAlerts();
}

/** Draws the banner from the last state, in the current language. */
export function renderAlerts() {
  const region = document.getElementById('alerts');
  if (alerts.length === 0) {
    replaceChildren(region);
    return;
  }
  const sorted = [...alerts].sort((a, b) => urgency(a) - urgency(b));
  replaceChildren(region, h('section', { class: 'alert-banner', 'aria-labelledby': 'alert-banner-title' },
    h('div', { class: 'alert-banner-inner' },
      h('span', { class: 'alert-banner-icon', 'aria-hidden': 'true' }),
      h('div', { class: 'alert-banner-body' },
        h('p', { id: 'alert-banner-title', class: 'alert-banner-title', text: t('alertBannerTitle') }),
        h('ul', { class: 'alert-list' }, sorted.map(entry))),
      h('a', { class: ['btn', 'btn-small', 'btn-warning', 'alert-banner-link'], href: '#/backup-keys', text: t('alertGoToBackupKeys') }))));
}

function urgency(alert) {
  const rank = URGENCY.indexOf(alert.condition);
  return rank < 0 ? URGENCY.length : rank;
}

function entry(alert) {
  return h('li', { class: ['alert-entry', alert.condition === 'no_backup_left' && 'alert-entry-critical'], dataset: { condition: alert.condition } },
    h('span', { class: 'alert-message', text: message(alert) }),
    alert.since && h('span', { class: 'alert-since', text: t('alertSince', { time: formatDate(alert.since) }) }));
}

function message(alert) {
  const available = formatNumber(alert.availableBackups);
  const watermark = formatNumber(alert.watermark);
  switch (alert.condition) {
    case 'backup_low':
      if (alert.availableBackups === 0) return t('alertBackupLowNone', { watermark });
      if (alert.availableBackups === 1) return t('alertBackupLowOne', { available, watermark });
      return t('alertBackupLow', { available, watermark });
    case 'no_backup_left':
      return t('alertNoBackupLeft', { id: alert.keyId || '—' });
    case 'rotation_burst':
      return t('alertRotationBurst', { limit: formatNumber(alert.limit) });
    default:
      // a condition this page does not know yet: the server's own words, labelled as such
      return t('alertFromServer', { message: alert.message || alert.condition });
  }
}
