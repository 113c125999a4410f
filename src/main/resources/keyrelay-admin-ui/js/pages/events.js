// The key state changes (SPEC §3), newest first, a page at a time, for every key or one.
import { api } from '../api.js';
import { h, uid, onTypingPaused } from '../dom.js';
import { t, formatDate, formatNumber } from '../i18n.js';
import { statusBadge, pageHeader, button, dataTable, emptyState, cardRow } from '../ui/widgets.js';
import { createPage } from './page.js';

export const titleKey = 'eventsTitle';

const PAGE_SIZE = 50;

const REASON_LABELS = {
  quota_exceeded: 'reasonQuotaExceeded',
  permanently_blocked: 'reasonPermanentlyBlocked',
  rate_limited: 'reasonRateLimited',
  credential_rejected: 'reasonCredentialRejected',
  rotated_out: 'reasonRotatedOut',
  rotated_in: 'reasonRotatedIn',
  no_backup_left: 'reasonNoBackupLeft',
  rotation_deferred: 'reasonRotationDeferred',
  rotation_paused: 'reasonRotationPaused',
  cooldown_ended: 'reasonCooldownEnded',
  rotation_recovered: 'reasonRotationRecovered',
  reset_by_operator: 'reasonResetByOperator',
  created_by_operator: 'reasonCreatedByOperator',
  deleted_by_operator: 'reasonDeletedByOperator',
  failover_setting_changed: 'reasonFailoverSettingChanged',
};

const FILTER_DELAY_MS = 300;

export function create() {
  let offset = 0;
  let keyId = '';
  const filter = keyFilter((next) => {
    keyId = next;
    offset = 0;
    page.reload({ force: true });
  });
  const page = createPage({
    load: async () => {
      const answer = await api.events(offset, PAGE_SIZE, keyId);
      return { events: answer.events || [], total: answer.total ?? 0, offset, keyId };
    },
    view: (data) => view(data, page, filter, (next) => {
      offset = Math.max(0, next);
      page.reload({ force: true });
    }),
  });
  return page;
}

/**
 * The key-id filter: one element kept across renders (so typing is never interrupted by a refresh), whose texts
 * follow the language. onChange(keyId) runs once typing pauses; '' is every key.
 */
function keyFilter(onChange) {
  const inputId = uid('event-key');
  const label = h('label', { for: inputId });
  const input = h('input', {
    id: inputId, type: 'search', name: 'keyId', class: ['input', 'event-key-filter'], autocomplete: 'off',
    spellcheck: 'false', maxlength: 200, dataset: { focus: 'event-key-filter' },
  });
  const element = h('form', { class: ['list-toolbar', 'event-filter'], role: 'search', novalidate: true }, label, input);
  let applied = '';
  onTypingPaused(element, input, FILTER_DELAY_MS, (next) => {
    if (next !== applied) {
      applied = next;
      onChange(next);
    }
  });
  return () => {
    label.textContent = t('eventKeyFilterLabel');
    input.setAttribute('placeholder', t('eventKeyFilterPlaceholder'));
    return element;
  };
}

function reason(name) {
  return REASON_LABELS[name] ? t(REASON_LABELS[name]) : (name || '—');
}

function change(event) {
  return h('span', { class: 'change' },
    event.from ? statusBadge(event.from) : h('span', { class: 'muted', text: t('eventNew') }),
    h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' }),
    h('span', { class: 'visually-hidden', text: t('changedTo') }),
    event.to ? statusBadge(event.to) : h('span', { class: 'muted', text: t('eventRemoved') }));
}

function view({ events, total, offset, keyId }, page, filter, goTo) {
  const first = total === 0 ? 0 : offset + 1;
  const last = offset + events.length;
  const pager = h('div', { class: 'pager' },
    h('span', { class: 'pager-range', text: t('pageRange', { first: formatNumber(first), last: formatNumber(last), total: formatNumber(total) }) }),
    h('div', { class: 'pager-buttons' },
      button(t('newer'), { small: true, onclick: () => goTo(offset - PAGE_SIZE), focusId: 'newer', action: 'newer' }),
      button(t('older'), { small: true, onclick: () => goTo(offset + PAGE_SIZE), focusId: 'older', action: 'older' })));
  pager.querySelector('[data-action="newer"]').disabled = offset === 0;
  pager.querySelector('[data-action="older"]').disabled = last >= total;
  const columns = [
    { label: t('columnTime') }, { label: t('columnKey') }, { label: t('columnChange') }, { label: t('columnReason') },
    { label: t('columnUpstreamStatus'), className: 'num' }, { label: t('columnDetail') }, { label: t('columnInstance') },
  ];
  const rows = events.map((event) => h('tr', {},
    h('td', { class: 'nowrap', text: formatDate(event.at) }),
    h('td', { class: 'cell-id', text: event.keyId }),
    h('td', {}, change(event)),
    h('td', { text: reason(event.reason) }),
    h('td', { class: 'num', text: event.upstreamStatus ?? '—' }),
    h('td', { class: 'cell-detail', text: event.detail || '—' }),
    h('td', { class: ['muted', 'nowrap'], text: event.instance || '—' })));
  const cards = h('div', { class: ['cards', 'mobile-only'] }, events.map((event) => h('article', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', text: event.keyId }), change(event)),
    cardRow(t('columnReason'), reason(event.reason)),
    cardRow(t('columnTime'), formatDate(event.at)),
    event.upstreamStatus && cardRow(t('columnUpstreamStatus'), String(event.upstreamStatus)),
    event.detail && cardRow(t('columnDetail'), event.detail))));
  return [
    pageHeader(t('eventsTitle'), t('eventsSubtitle'), [], page.status),
    filter(),
    events.length === 0
      ? emptyState(keyId ? t('noEventsForKey', { id: keyId }) : t('noEvents'))
      : [dataTable(t('eventsTitle'), columns, rows), cards, pager],
  ];
}
