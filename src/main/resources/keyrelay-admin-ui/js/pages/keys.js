// The upstream key pool: stats, one page of keys (searched and filtered by the server), each key's status and
// failover switch, add, test, import, reset and delete.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDate, formatNumber } from '../i18n.js';
import { openModal, whileBusy } from '../ui/modal.js';
import { toast } from '../ui/toast.js';
import {
  statusBadge, failoverSwitch, failoverIndicator, statCards, pageHeader, button, textField, checkboxField,
  describeError, dataTable, emptyState, cardRow,
} from '../ui/widgets.js';
import { createListQuery } from '../ui/list-query.js';
import { openImportDialog } from '../ui/import-dialog.js';
import { openKeyTest, typedKeyTest } from '../ui/key-test.js';
import { createPage, confirmThenRun } from './page.js';

export const titleKey = 'keysTitle';

const STATUSES = [
  { value: 'healthy', labelKey: 'statusHealthy' },
  { value: 'rate_limited', labelKey: 'statusRateLimited' },
  { value: 'using_failover', labelKey: 'statusUsingFailover' },
  { value: 'exhausted', labelKey: 'statusExhausted' },
  { value: 'error', labelKey: 'statusError' },
];

export function create() {
  const query = createListQuery({ statuses: STATUSES, onChange: () => page.reload({ force: true }) });
  const page = createPage({
    // the list carries the same counts as /admin/ohmygpt/stats, from the same read, for the whole pool
    load: async () => {
      let list = await api.keys(query.params());
      if (query.lastPage(list.total)) list = await api.keys(query.params());
      return { keys: list.keys || [], matching: list.total ?? 0, stats: list, filtered: query.filtered() };
    },
    view: (data) => view(data, page, query),
  });
  return page;
}

function view({ keys, matching, stats, filtered }, page, query) {
  const addButton = button(t('addKey'), { variant: 'primary', onclick: () => addKeyModal(page), action: 'add-key' });
  const importButton = button(t('importBackupKeys'), {
    action: 'import',
    onclick: () => openImportDialog({ title: t('importKeysTitle'), send: api.importKeys, onImported: () => page.reload() }),
  });
  return [
    pageHeader(t('keysTitle'), t('keysSubtitle'), [importButton, addButton], page.status),
    statCards([
      { id: 'total', label: t('statTotal'), value: stats.totalKeys, tone: 'neutral' },
      { id: 'healthy', label: t('statHealthy'), value: stats.healthyKeys, tone: 'healthy' },
      { id: 'rate-limited', label: t('statRateLimited'), value: stats.rateLimitedKeys, tone: 'rate-limited' },
      { id: 'using-failover', label: t('statUsingFailover'), value: stats.usingFailoverKeys, tone: 'using-failover' },
      { id: 'exhausted', label: t('statExhausted'), value: stats.exhaustedKeys, tone: 'exhausted' },
      { id: 'failover-enabled', label: t('statFailoverEnabled'), value: stats.failoverEnabledKeys, tone: 'accent' },
    ]),
    stats.totalKeys > 0 && query.controls(),
    keys.length === 0
      ? emptyState(t(filtered ? 'noMatchingKeys' : 'noKeys'))
      : [table(keys, page), h('div', { class: ['cards', 'mobile-only'] }, keys.map((key) => card(key, page))),
        query.pager(keys.length, matching)],
  ];
}

function table(keys, page) {
  const columns = [
    { label: t('columnId') }, { label: t('columnApiKey') }, { label: t('columnStatus') },
    { label: t('failoverColumn') }, { label: t('columnRequests'), className: 'num' },
    { label: t('columnTokens'), className: 'num' }, { label: t('columnLastUsed') },
    { label: t('columnActions'), className: 'actions' },
  ];
  const rows = keys.map((key) => h('tr', { dataset: { keyId: key.id } },
    h('td', { class: 'cell-id' }, key.id, key.replacedKey && h('span', { class: 'muted', text: t('replacesKey', { id: key.replacedKey }) })),
    h('td', { class: 'mono', text: key.apiKey }),
    h('td', { class: 'cell-status' }, statusBadge(key.status), statusNotes(key)),
    h('td', {}, toggle(key, page, 'table')),
    h('td', { class: 'num', text: formatNumber(key.requestsCount) }),
    h('td', { class: 'num', text: formatNumber(key.tokensUsed) }),
    h('td', { class: 'nowrap', text: formatDate(key.lastUsedAt) }),
    h('td', { class: 'actions' }, actions(key, page, 'table'))));
  return dataTable(t('keysTitle'), columns, rows);
}

function card(key, page) {
  return h('article', { class: 'card', dataset: { keyId: key.id }, 'aria-label': key.id },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', text: key.id }), statusBadge(key.status)),
    cardRow(t('columnApiKey'), h('span', { class: 'mono', text: key.apiKey })),
    h('div', { class: ['card-row', 'card-failover'] },
      h('span', { class: 'card-label', text: t('failover') }),
      h('span', { class: 'card-value' }, failoverIndicator(key.enableFailover), toggle(key, page, 'card'))),
    cardRow(t('columnRequests'), formatNumber(key.requestsCount)),
    cardRow(t('columnTokens'), formatNumber(key.tokensUsed)),
    cardRow(t('columnLastUsed'), formatDate(key.lastUsedAt)),
    key.replacedKey && cardRow(t('columnReplaced'), key.replacedKey),
    statusNotes(key),
    h('div', { class: 'card-actions' }, actions(key, page, 'card')));
}

/** Statuses whose badge already says everything; others show their cooldown and the upstream's last error. */
const SELF_EXPLAINING = ['healthy', 'using_failover'];

function statusNotes(key) {
  const notes = [];
  if (key.cooldownUntil) {
    notes.push(h('span', { class: ['muted', 'nowrap'], text: t('cooldownUntil', { time: formatDate(key.cooldownUntil) }) }));
  }
  for (const breaker of key.breakers || []) {
    notes.push(h('span', { class: ['breaker-note', `breaker-${breaker.state}`], dataset: { endpoint: breaker.endpoint }, text: breakerNote(breaker) }));
  }
  if (key.lastError && !SELF_EXPLAINING.includes(key.status)) {
    // the server's own words, labelled as such
    notes.push(h('span', { class: ['muted', 'last-error'], title: key.lastError, text: t('lastErrorNote', { message: key.lastError }) }));
  }
  return notes.length ? h('div', { class: 'notes' }, notes) : null;
}

/** A breaker that is not plainly closed: failures in a row, or the key kept off an endpoint that keeps failing. */
function breakerNote(breaker) {
  const endpoint = t(breaker.endpoint === 'failover' ? 'breakerEndpointFailover' : 'breakerEndpointPrimary');
  if (breaker.state === 'open') return t('breakerOpen', { endpoint, time: formatDate(breaker.openUntil) });
  if (breaker.state === 'half_open') return t('breakerHalfOpen', { endpoint });
  return t('breakerFailures', { endpoint, count: formatNumber(breaker.failures) });
}

function toggle(key, page, where) {
  return failoverSwitch({
    checked: Boolean(key.enableFailover),
    label: t('failoverSwitchLabel', { id: key.id }),
    focusId: `${where}-failover-${key.id}`,
    compact: where === 'card',
    onToggle: async (next) => {
      try {
        await api.setKeyFailover(key.id, next);
        toast.success(t(next ? 'toastFailoverOn' : 'toastFailoverOff', { id: key.id }));
      } catch (error) {
        toast.error(t('toastFailoverError', { id: key.id, reason: describeError(error) }));
      }
      await page.reload();
    },
  });
}

function actions(key, page, where) {
  return [
    button(t('testKey'), {
      small: true, focusId: `${where}-test-${key.id}`, action: 'test', ariaLabel: t('testKeyLabel', { id: key.id }),
      onclick: () => openKeyTest({ title: t('testKeyTitle', { id: key.id }), test: () => api.testKey(key.id) }),
    }),
    button(t('reset'), {
      small: true, focusId: `${where}-reset-${key.id}`, action: 'reset', ariaLabel: t('resetKeyLabel', { id: key.id }),
      onclick: () => resetKey(key, page),
    }),
    button(t('delete'), {
      small: true, variant: 'danger-ghost', focusId: `${where}-delete-${key.id}`, action: 'delete',
      ariaLabel: t('deleteKeyLabel', { id: key.id }), onclick: () => deleteKey(key, page),
    }),
  ];
}

async function resetKey(key, page) {
  await confirmThenRun(page, {
    title: t('resetKeyTitle', { id: key.id }), message: t('resetKeyMessage'), confirmLabel: t('reset'), danger: false,
  }, () => api.resetKey(key.id), t('toastKeyReset', { id: key.id }));
}

async function deleteKey(key, page) {
  await confirmThenRun(page, {
    title: t('deleteKeyTitle', { id: key.id }), message: t('deleteKeyMessage'), confirmLabel: t('delete'),
  }, () => api.deleteKey(key.id), t('toastKeyDeleted', { id: key.id }));
}

function addKeyModal(page) {
  const id = textField({ label: t('keyIdLabel'), name: 'id', required: true, maxlength: 50, hint: t('keyIdHint') });
  const apiKey = textField({ label: t('apiKeyLabel'), name: 'apiKey', required: true, mono: true });
  const failover = checkboxField({ label: t('enableFailoverLabel'), name: 'enableFailover', hint: t('enableFailoverHint') });
  const check = typedKeyTest({
    input: () => ({ apiKey: apiKey.input.value.trim(), enableFailover: failover.input.checked }),
    test: api.testApiKey,
  });
  const submit = h('button', { type: 'submit', class: ['btn', 'btn-primary'], text: t('addKey') });
  const cancel = button(t('cancel'), { onclick: () => modal.close() });
  const modal = openModal({
    title: t('addKeyTitle'),
    content: [id.field, apiKey.field, failover.field, check.box],
    actions: [cancel, check.button, submit],
    onSubmit: (dialog) => whileBusy(submit, async () => {
      const body = { id: id.input.value.trim(), apiKey: apiKey.input.value.trim(), enableFailover: failover.input.checked };
      if (!body.id || !body.apiKey) {
        dialog.error(t('errorRequired'));
        return;
      }
      try {
        await api.addKey(body);
        dialog.close();
        toast.success(t('toastKeyAdded', { id: body.id }));
        await page.reload();
      } catch (error) {
        dialog.error(describeError(error));
      }
    }),
  });
}
